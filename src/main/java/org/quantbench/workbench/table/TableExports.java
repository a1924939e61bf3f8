package org.quantbench.workbench.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.AtomicFileWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A {@link ComparisonTable} as CSV (one line per row: value, stderr and delta columns per metric), Markdown (value
 * ± stderr and delta in one cell; "≈" marks a delta within noise) and JSON (everything, with column metadata).
 * Files are written atomically.
 */
public final class TableExports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TableExports() {}

    public static String csv(ComparisonTable t) {
        StringBuilder out = new StringBuilder();
        out.append(csvField("row")).append(',').append(csvField("scheme"));
        for (Column c : t.columns()) {
            String h = header(c);
            out.append(',').append(csvField(h)).append(',').append(csvField(h + " stderr")).append(',')
                    .append(csvField(h + " delta")).append(',').append(csvField(h + " within noise"));
        }
        out.append("\r\n");
        for (Row r : t.rows()) {
            out.append(csvField(r.label())).append(',').append(csvField(r.scheme()));
            for (Column c : t.columns()) {
                Cell cell = r.cell(c);
                if (cell == null) {
                    out.append(",,,,");
                } else if (!cell.hasValue()) {
                    out.append(',').append(csvField("failed: " + cell.failure())).append(",,,");
                } else {
                    out.append(',').append(number(cell.value())).append(',').append(number(cell.stderr())).append(',')
                            .append(number(cell.delta())).append(',').append(cell.delta() == null ? "" : cell.withinNoise());
                }
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    public static String markdown(ComparisonTable t) {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(md("row"));
        t.columns().forEach(c -> out.append(" | ").append(md(header(c))));
        out.append(" |\n|---");
        t.columns().forEach(c -> out.append("|---:"));
        out.append("|\n");
        for (Row r : t.rows()) {
            out.append("| ").append(md(r.label()));
            java.util.Set<String> told = new java.util.HashSet<>();
            for (Column c : t.columns()) {
                Cell cell = r.cell(c);
                // A reason is told once per row; later cells of the same failure only say so.
                boolean repeat = cell != null && !cell.hasValue() && !told.add(cell.failure());
                out.append(" | ").append(repeat ? "failed" : md(text(cell, c)));
            }
            out.append(" |\n");
        }
        out.append("\n± is one standard error; Δ is against the base of the same run; ≈ marks a Δ within ")
                .append(ComparisonTable.NOISE_Z).append(" combined standard errors (noise).\n");
        return out.toString();
    }

    public static ObjectNode json(ComparisonTable t) {
        ObjectNode root = JSON.createObjectNode();
        root.put("title", t.title());
        root.put("noise_z", ComparisonTable.NOISE_Z);
        ArrayNode columns = root.putArray("columns");
        for (Column c : t.columns()) {
            ObjectNode n = columns.addObject();
            n.put("id", c.id());
            n.put("step", c.step());
            n.put("metric", c.metric());
            n.put("label", c.label());
            n.put("unit", c.unit());
            if (c.higherIsBetter() != null) {
                n.put("higher_is_better", c.higherIsBetter());
            }
        }
        ArrayNode rows = root.putArray("rows");
        for (Row r : t.rows()) {
            ObjectNode n = rows.addObject();
            n.put("label", r.label());
            n.put("scheme", r.scheme());
            n.put("run_id", r.runId());
            n.put("base", r.base());
            ObjectNode cells = n.putObject("cells");
            for (Column c : t.columns()) {
                Cell cell = r.cell(c);
                if (cell != null) {
                    cells.set(c.id(), JSON.valueToTree(cell));
                }
            }
        }
        return root;
    }

    public static void writeCsv(ComparisonTable t, Path file) {
        write(file, csv(t));
    }

    public static void writeMarkdown(ComparisonTable t, Path file) {
        write(file, markdown(t));
    }

    public static void writeJson(ComparisonTable t, Path file) {
        try {
            write(file, JSON.writeValueAsString(json(t)) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a table always serialises", e);
        }
    }

    static void write(Path file, String content) {
        try {
            AtomicFileWriter.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A cell as people read it: "26.815 ± 0.12 (Δ +0.41, +1.6%)", "≈" when within noise. */
    public static String text(Cell cell, Column c) {
        if (cell == null) {
            return "";
        }
        if (!cell.hasValue()) {
            return "failed: " + cell.failure();
        }
        StringBuilder s = new StringBuilder(format(cell.value(), c));
        if (cell.stderr() != null) {
            s.append(" ± ").append(format(cell.stderr(), c));
        }
        if (cell.delta() != null) {
            s.append(" (Δ ").append(cell.delta() >= 0 ? "+" : "").append(format(cell.delta(), c));
            if (cell.deltaPct() != null) {
                s.append(String.format(Locale.ROOT, ", %+.1f%%", cell.deltaPct()));
            }
            s.append(cell.withinNoise() ? " ≈" : "").append(')');
        }
        return s.toString();
    }

    /** A value in the column's unit: bytes as KiB/MiB/GiB, others with 4 significant decimals. */
    public static String format(double v, Column c) {
        if (c.unit().equals("bytes")) {
            return bytes(v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.1f" : a >= 1 ? "%.3f" : "%.4f", v);
    }

    private static String bytes(double v) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double x = Math.abs(v);
        int u = 0;
        while (x >= 1024 && u < units.length - 1) {
            x /= 1024;
            u++;
        }
        return (v < 0 ? "-" : "") + (u == 0 ? String.format(Locale.ROOT, "%.0f B", x) : String.format(Locale.ROOT, "%.2f %s", x, units[u]));
    }

    private static String header(Column c) {
        return c.unit().isEmpty() ? c.label() : c.label() + " (" + c.unit() + ")";
    }

    private static String number(Double d) {
        return d == null ? "" : Double.toString(d);
    }

    private static String csvField(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static String md(String s) {
        return s.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
