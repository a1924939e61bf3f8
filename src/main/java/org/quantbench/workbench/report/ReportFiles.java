package org.quantbench.workbench.report;

import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.table.ComparisonTable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Everything a finished comparison exports in one call, for the CLI's {@code run} and the GUI's one-click report:
 * each chart the table has data for in each asked format ({@code <dir>/<stem>.<ext>}) and {@code report.html}.
 */
public final class ReportFiles {
    public static final String REPORT_FILE = "report.html";

    private ReportFiles() {}

    /**
     * @param rows  the stored rows behind the table, whose definitions the report prints (may be empty)
     * @param notes lines under the report's title (command, machine, date, wall time)
     * @return the files written, charts first, the report last
     */
    public static List<Path> write(ComparisonTable table, List<ResultRow> rows, List<String> notes, Path dir,
                                   Set<ChartFormat> formats, int width, int height) throws IOException {
        List<Path> written = new ArrayList<>();
        for (ChartKind kind : ComparisonCharts.available(table)) {
            var chart = ComparisonCharts.create(kind, table);
            for (ChartFormat format : ChartFormat.values()) {
                if (formats.contains(format)) {
                    Path file = dir.resolve(kind.fileStem() + "." + format.extension());
                    ChartExporter.export(chart, file, format, width, height);
                    written.add(file);
                }
            }
        }
        Path report = dir.resolve(REPORT_FILE);
        HtmlReport.of(table).withNotes(notes).withDefinitions(HtmlReport.definitionsOf(rows))
                .withCharts(ComparisonCharts.available(table), width, height).write(report);
        written.add(report);
        return written;
    }
}
