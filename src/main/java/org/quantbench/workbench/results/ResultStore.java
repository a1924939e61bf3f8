package org.quantbench.workbench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The results database: an embedded H2 file under a folder (default {@code ~/.quantbench/results}). Results are keyed
 * by (model hash, scheme, step, metric, definition hash, data hash), so measuring the same thing again never adds a
 * row; a run links to the rows it measured or found. A step's rows are written in one transaction, so a crash leaves
 * either all of them or none. One process holds the database at a time (H2 locks the file); methods are thread-safe.
 */
public final class ResultStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SCHEMA_VERSION = 1;

    // Column widths, shared with ResultExchange so an import rejects a too-long field before it stores anything.
    static final int PATH_CHARS = 4096;
    static final int SCHEME_CHARS = 256;
    static final int STEP_CHARS = 512;
    static final int METRIC_CHARS = 256;
    static final int COMPUTE_PATH_CHARS = 1024;
    static final int ID_CHARS = 64;

    private final Path dir;
    private final Connection db;

    private ResultStore(Path dir, Connection db) {
        this.dir = dir;
        this.db = db;
    }

    /**
     * Opens (creating when absent) the database in {@code dir}. A database that cannot be opened (held by another
     * process, a folder that cannot be made, a damaged file) is a condition of the user's files, reported as an
     * {@link UncheckedIOException} whose message says which and why.
     */
    public static ResultStore open(Path dir) {
        try {
            Files.createDirectories(dir);
            // WRITE_DELAY=0: a commit reaches the file before saveStep returns, so a killed run loses no stored step.
            Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("results")
                    + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", "quantbench", "");
            ResultStore store = new ResultStore(dir, c);
            store.createSchema();
            return store;
        } catch (SQLException e) {
            // 90020 is H2's "database may be already in use": another process holds the file lock.
            String why = e.getErrorCode() == 90020 || e.getMessage() != null && e.getMessage().contains("locked")
                    ? "it is in use by another QuantBench process" : e.getMessage();
            throw new UncheckedIOException("cannot open the results database in " + dir + ": " + why, new IOException(e));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() { return dir; }

    /** Whether {@code dir} holds a results database (for readers: {@link #open} would create an empty one). */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve("results.mv.db"));
    }

    private void createSchema() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS meta (k VARCHAR(64) PRIMARY KEY, v VARCHAR(256) NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS runs (id VARCHAR(" + ID_CHARS + ") PRIMARY KEY, name VARCHAR(1024) NOT NULL,"
                    + " profile VARCHAR(256), config_json CLOB NOT NULL, config_sha256 CHAR(64) NOT NULL,"
                    + " status VARCHAR(16) NOT NULL, started TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " finished TIMESTAMP WITH TIME ZONE, note VARCHAR(100000))");
            s.execute("CREATE TABLE IF NOT EXISTS results (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " model_sha256 VARCHAR(64) NOT NULL, model_path VARCHAR(" + PATH_CHARS + "), scheme VARCHAR(" + SCHEME_CHARS + ") NOT NULL,"
                    + " scheme_json CLOB, step VARCHAR(" + STEP_CHARS + ") NOT NULL, metric VARCHAR(" + METRIC_CHARS + ") NOT NULL,"
                    + " definition CLOB NOT NULL, definition_sha256 CHAR(64) NOT NULL, data_sha256 VARCHAR(64) NOT NULL,"
                    + " data_items BIGINT NOT NULL, val DOUBLE PRECISION NOT NULL, stderr DOUBLE PRECISION, extra CLOB,"
                    + " provenance CLOB, seconds DOUBLE PRECISION NOT NULL, compute_path VARCHAR(" + COMPUTE_PATH_CHARS + "),"
                    + " run_id VARCHAR(" + ID_CHARS + ") NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " CONSTRAINT result_key UNIQUE (model_sha256, scheme, step, metric, definition_sha256, data_sha256))");
            s.execute("CREATE TABLE IF NOT EXISTS run_results (run_id VARCHAR(64) NOT NULL, result_id BIGINT NOT NULL,"
                    + " PRIMARY KEY (run_id, result_id))");
            s.execute("CREATE TABLE IF NOT EXISTS failures (run_id VARCHAR(64) NOT NULL, scheme VARCHAR(256) NOT NULL,"
                    + " step VARCHAR(512) NOT NULL, reason VARCHAR(100000) NOT NULL, at TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " PRIMARY KEY (run_id, scheme, step))");
            s.execute("MERGE INTO meta KEY (k) VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
        }
    }

    // ---- runs ----

    /** Starts a new run of {@code configJson} under {@code profile}. */
    public synchronized RunRecord createRun(String name, String profile, String configJson) {
        RunRecord r = new RunRecord(UUID.randomUUID().toString(), name, profile, configJson, StepKey.sha256(configJson),
                RunStatus.RUNNING, Instant.now(), null, null);
        update("INSERT INTO runs (id, name, profile, config_json, config_sha256, status, started) VALUES (?,?,?,?,?,?,?)",
                r.id(), r.name(), r.profile(), r.configJson(), r.configSha256(), r.status().name(), ts(r.started()));
        return r;
    }

    /** The latest run of this exact config and profile that never finished (its process died), if any. */
    public synchronized Optional<RunRecord> unfinishedRun(String configJson, String profile) {
        List<RunRecord> runs = queryRuns("SELECT * FROM runs WHERE config_sha256 = ? AND status = 'RUNNING' AND "
                + (profile == null ? "profile IS NULL" : "profile = ?") + " ORDER BY started DESC LIMIT 1",
                profile == null ? new Object[]{StepKey.sha256(configJson)} : new Object[]{StepKey.sha256(configJson), profile});
        return runs.stream().findFirst();
    }

    public synchronized void finishRun(String runId, RunStatus status, String note) {
        update("UPDATE runs SET status = ?, finished = ?, note = ? WHERE id = ?", status.name(), ts(Instant.now()), note, runId);
    }

    /** Marks a run as running again (it is being resumed). */
    public synchronized void reopenRun(String runId) {
        update("UPDATE runs SET status = 'RUNNING', finished = NULL WHERE id = ?", runId);
    }

    /** Every run, newest first. */
    public synchronized List<RunRecord> runs() {
        return queryRuns("SELECT * FROM runs ORDER BY started DESC");
    }

    public synchronized Optional<RunRecord> run(String runId) {
        return queryRuns("SELECT * FROM runs WHERE id = ?", runId).stream().findFirst();
    }

    /** Forgets a run (its links and failures); results other runs link to, or none, stay. */
    public synchronized void deleteRun(String runId) {
        inTransaction(() -> {
            update("DELETE FROM run_results WHERE run_id = ?", runId);
            update("DELETE FROM failures WHERE run_id = ?", runId);
            update("DELETE FROM runs WHERE id = ?", runId);
        });
    }

    // ---- results ----

    /** Whether every number of this step is stored already. */
    public synchronized boolean hasStep(StepKey key) {
        return !stepRows(key).isEmpty();
    }

    public synchronized List<ResultRow> stepRows(StepKey key) {
        return queryRows("SELECT * FROM results WHERE model_sha256 = ? AND scheme = ? AND step = ? AND definition_sha256 = ?"
                + " AND data_sha256 = ? ORDER BY id", key.modelSha256(), key.scheme(), key.step(), key.definitionSha256(),
                key.dataSha256());
    }

    /**
     * Stores the rows of one step in one transaction and links them to {@code runId}; rows whose key is stored already
     * are kept as they are (linked, not duplicated). A failure recorded earlier for the step in this run is dropped.
     *
     * @return how many rows were new
     */
    public synchronized int saveStep(String runId, List<ResultRow> rows) {
        int[] inserted = {0};
        inTransaction(() -> {
            for (ResultRow r : rows) {
                Optional<Long> existing = idOf(r);
                long id;
                if (existing.isPresent()) {
                    id = existing.get();
                } else {
                    id = insert(r);
                    inserted[0]++;
                }
                update("MERGE INTO run_results KEY (run_id, result_id) VALUES (?, ?)", runId, id);
                update("DELETE FROM failures WHERE run_id = ? AND scheme = ? AND step = ?", runId, r.scheme(), r.step());
            }
        });
        return inserted[0];
    }

    /** Links a stored step's rows to {@code runId} (a resumed or repeated run found them stored). */
    public synchronized void linkStep(String runId, StepKey key) {
        saveStep(runId, stepRows(key));
    }

    public synchronized void saveFailure(String runId, String scheme, String step, String reason) {
        update("MERGE INTO failures KEY (run_id, scheme, step) VALUES (?, ?, ?, ?, ?)", runId, scheme, step,
                reason == null ? "(no reason given)" : reason, ts(Instant.now()));
    }

    /** The rows a run measured or found, in the order they were first stored. */
    public synchronized List<ResultRow> rowsOfRun(String runId) {
        return queryRows("SELECT r.* FROM results r JOIN run_results l ON l.result_id = r.id WHERE l.run_id = ? ORDER BY r.id", runId);
    }

    /** Several runs' rows, for side-by-side comparison, keyed by run id in the given order. */
    public synchronized Map<String, List<ResultRow>> rowsOfRuns(List<String> runIds) {
        Map<String, List<ResultRow>> out = new LinkedHashMap<>();
        for (String id : runIds) {
            out.put(id, rowsOfRun(id));
        }
        return out;
    }

    public synchronized List<StepFailure> failuresOfRun(String runId) {
        List<StepFailure> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT * FROM failures WHERE run_id = ? ORDER BY at")) {
            p.setString(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new StepFailure(rs.getString("run_id"), rs.getString("scheme"), rs.getString("step"),
                            rs.getString("reason"), instant(rs.getTimestamp("at"))));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    /** Every stored row of a model (all runs), e.g. for a history view. */
    public synchronized List<ResultRow> rowsOfModel(String modelSha256) {
        return queryRows("SELECT * FROM results WHERE model_sha256 = ? ORDER BY id", modelSha256);
    }

    /** Every stored row, in the order they were first stored (e.g. to export the whole database). */
    public synchronized List<ResultRow> allRows() {
        return queryRows("SELECT * FROM results ORDER BY id");
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    // ---- plumbing ----

    private Optional<Long> idOf(ResultRow r) {
        try (PreparedStatement p = db.prepareStatement("SELECT id FROM results WHERE model_sha256 = ? AND scheme = ? AND step = ?"
                + " AND metric = ? AND definition_sha256 = ? AND data_sha256 = ?")) {
            bind(p, r.modelSha256(), r.scheme(), r.step(), r.metric(), StepKey.sha256(r.definition()), r.dataSha256());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private long insert(ResultRow r) {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO results (model_sha256, model_path, scheme, scheme_json, step,"
                + " metric, definition, definition_sha256, data_sha256, data_items, val, stderr, extra, provenance, seconds,"
                + " compute_path, run_id, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
            bind(p, r.modelSha256(), r.modelPath(), r.scheme(), json(r.schemeJson()), r.step(), r.metric(), r.definition(),
                    StepKey.sha256(r.definition()), r.dataSha256(), r.dataItems(), r.value(), r.stderr(), json(r.extra()),
                    json(r.provenance()), r.seconds(), r.computePath(), r.runId(),
                    ts(r.createdAt() != null ? r.createdAt() : Instant.now()));
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private List<ResultRow> queryRows(String sql, Object... args) {
        List<ResultRow> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    double stderr = rs.getDouble("stderr");
                    Double se = rs.wasNull() ? null : stderr;
                    out.add(new ResultRow(rs.getString("model_sha256"), rs.getString("model_path"), rs.getString("scheme"),
                            node(rs.getString("scheme_json")), rs.getString("step"), rs.getString("metric"),
                            rs.getDouble("val"), se, rs.getString("definition"), rs.getString("data_sha256"),
                            rs.getLong("data_items"), node(rs.getString("extra")), node(rs.getString("provenance")),
                            rs.getDouble("seconds"), rs.getString("compute_path"), rs.getString("run_id"),
                            instant(rs.getTimestamp("created"))));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    private List<RunRecord> queryRuns(String sql, Object... args) {
        List<RunRecord> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new RunRecord(rs.getString("id"), rs.getString("name"), rs.getString("profile"),
                            rs.getString("config_json"), rs.getString("config_sha256"), RunStatus.valueOf(rs.getString("status")),
                            instant(rs.getTimestamp("started")), instant(rs.getTimestamp("finished")), rs.getString("note")));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            bind(p, args);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void inTransaction(Runnable body) {
        try {
            db.setAutoCommit(false);
            try {
                body.run();
                db.commit();
            } catch (RuntimeException | Error e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static void bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                p.setNull(i + 1, Types.VARCHAR);
            } else {
                p.setObject(i + 1, a);
            }
        }
    }

    private static Timestamp ts(Instant t) {
        return Timestamp.from(t);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String json(JsonNode n) {
        return n == null ? null : n.toString();
    }

    private static JsonNode node(String s) {
        try {
            return s == null ? null : JSON.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("results database holds invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private IllegalStateException failure(SQLException e) {
        return new IllegalStateException("results database " + dir + ": " + e.getMessage(), e);
    }
}
