package org.quantbench.workbench.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every table export of a run into one folder: {@code table.csv}, {@code table.md}, {@code table.json}, and
 * {@code lm-eval/<row>.json} for each row with task results. Each file is written atomically.
 */
public final class RunExports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunExports() {}

    /** @return the files written */
    public static List<Path> writeAll(RunResults run, Path dir) {
        ComparisonTable table = ComparisonTable.of(run);
        List<Path> written = new ArrayList<>();
        Path csv = dir.resolve("table.csv");
        TableExports.writeCsv(table, csv);
        written.add(csv);
        Path md = dir.resolve("table.md");
        TableExports.writeMarkdown(table, md);
        written.add(md);
        Path json = dir.resolve("table.json");
        TableExports.writeJson(table, json);
        written.add(json);
        for (Row row : table.rows()) {
            Optional<ObjectNode> lmEval = LmEvalExport.of(run.rows(), row.scheme());
            if (lmEval.isPresent()) {
                Path file = dir.resolve("lm-eval").resolve(row.scheme().replaceAll("[^A-Za-z0-9._+-]+", "_") + ".json");
                try {
                    TableExports.write(file, JSON.writeValueAsString(lmEval.get()) + "\n");
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("lm-eval results always serialise", e);
                }
                written.add(file);
            }
        }
        return written;
    }
}
