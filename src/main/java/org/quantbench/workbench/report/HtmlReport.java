package org.quantbench.workbench.report;

import org.quantbench.export.AtomicFileWriter;
import org.quantbench.tensor.SoftwareVersion;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.table.Cell;
import org.quantbench.workbench.table.Column;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.Row;
import org.quantbench.workbench.table.TableExports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One self-contained HTML file: the comparison table (value ± standard error, Δ against the base, within-noise
 * marks, failed steps with their reason), what each metric means, and the charts as inline SVG. It references
 * nothing outside itself, so it can be mailed or attached as it is.
 *
 * @param notes       lines under the title: command, machine, date, wall time, reading of the results
 * @param definitions column id -> what its numbers mean (see {@link #definitionsOf})
 * @param charts      the charts to include, in order
 */
public record HtmlReport(String title, List<String> notes, ComparisonTable table, Map<String, String> definitions,
                         List<ChartKind> charts, int chartWidth, int chartHeight) {

    public HtmlReport {
        notes = List.copyOf(notes);
        definitions = Map.copyOf(definitions);
        charts = List.copyOf(charts);
    }

    /** The table's title, every chart it has data for at 960 x 540, no notes or definitions yet. */
    public static HtmlReport of(ComparisonTable table) {
        return new HtmlReport(table.title(), List.of(), table, Map.of(), ComparisonCharts.available(table), 960, 540);
    }

    public HtmlReport withNotes(List<String> newNotes) {
        return new HtmlReport(title, newNotes, table, definitions, charts, chartWidth, chartHeight);
    }

    public HtmlReport withDefinitions(Map<String, String> newDefinitions) {
        return new HtmlReport(title, notes, table, newDefinitions, charts, chartWidth, chartHeight);
    }

    public HtmlReport withCharts(List<ChartKind> newCharts, int width, int height) {
        return new HtmlReport(title, notes, table, definitions, newCharts, width, height);
    }

    /** Column id -> the definitions stored with its numbers (distinct ones joined; they differ only across runs). */
    public static Map<String, String> definitionsOf(List<ResultRow> rows) {
        Map<String, Set<String>> byColumn = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            byColumn.computeIfAbsent(r.step() + "/" + r.metric(), k -> new LinkedHashSet<>()).add(r.definition());
        }
        Map<String, String> out = new LinkedHashMap<>();
        byColumn.forEach((id, defs) -> out.put(id, String.join(" | ", defs)));
        return out;
    }

    public void write(Path target) throws IOException {
        try {
            AtomicFileWriter.writeString(target, render());
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + ChartExporter.reason(e), e);
        }
    }

    public String render() {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        for (String note : notes) {
            h.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        }
        table(h);
        definitions(h);
        for (ChartKind kind : charts) {
            h.append("<figure id=\"").append(kind.fileStem()).append("\">\n")
                    .append(ChartExporter.svg(ComparisonCharts.create(kind, table), chartWidth, chartHeight))
                    .append("\n<figcaption>").append(esc(kind.title())).append("</figcaption>\n</figure>\n");
        }
        h.append("<footer>QuantBench ").append(esc(SoftwareVersion.VERSION)).append("</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private void table(StringBuilder h) {
        h.append("<table>\n<thead><tr><th>row</th>");
        for (Column c : table.columns()) {
            h.append("<th>").append(esc(c.label())).append(c.unit().isEmpty() ? "" : "<br><small>" + esc(c.unit()) + "</small>")
                    .append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (Row r : table.rows()) {
            h.append(r.base() ? "<tr class=\"base\">" : "<tr>").append("<th>").append(esc(r.label())).append("</th>");
            for (Column c : table.columns()) {
                cell(h, r.cell(c), c);
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n<p class=\"legend\">± one standard error; Δ against the base of the same run; "
                + "≈ marks a Δ within ").append(ComparisonTable.NOISE_Z).append(" combined standard errors (noise); "
                + "green and red say whether a Δ outside noise is better or worse.</p>\n");
    }

    private static void cell(StringBuilder h, Cell cell, Column c) {
        if (cell == null) {
            h.append("<td></td>");
            return;
        }
        if (!cell.hasValue()) {
            h.append("<td class=\"failed\" title=\"").append(esc(cell.failure())).append("\">failed: ")
                    .append(esc(cell.failure())).append("</td>");
            return;
        }
        String cls = "";
        if (cell.delta() != null && cell.delta() != 0 && c.higherIsBetter() != null) {
            cls = cell.withinNoise() ? "noise" : (cell.delta() > 0) == c.higherIsBetter() ? "better" : "worse";
        }
        h.append(cls.isEmpty() ? "<td>" : "<td class=\"" + cls + "\">").append(esc(TableExports.format(cell.value(), c)));
        if (cell.stderr() != null) {
            h.append(" <small>± ").append(esc(TableExports.format(cell.stderr(), c))).append("</small>");
        }
        if (cell.delta() != null) {
            h.append("<br><small class=\"delta\">Δ ").append(cell.delta() >= 0 ? "+" : "")
                    .append(esc(TableExports.format(cell.delta(), c)));
            if (cell.deltaPct() != null) {
                h.append(String.format(Locale.ROOT, " (%+.1f%%)", cell.deltaPct()));
            }
            h.append(cell.withinNoise() ? " ≈" : "").append("</small>");
        }
        h.append("</td>");
    }

    private void definitions(StringBuilder h) {
        List<Column> defined = table.columns().stream().filter(c -> definitions.containsKey(c.id())).toList();
        if (defined.isEmpty()) {
            return;
        }
        h.append("<h2>What the numbers mean</h2>\n<dl>\n");
        for (Column c : defined) {
            h.append("<dt>").append(esc(c.label())).append("</dt><dd>").append(esc(definitions.get(c.id())))
                    .append("</dd>\n");
        }
        h.append("</dl>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px;
                   color: #20242a; padding: 0 1em; }
            h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; }
            p.note { margin: .2em 0; color: #4a5058; }
            table { border-collapse: collapse; font-size: .85em; margin-top: 1.5em; display: block; overflow-x: auto; }
            th, td { border-bottom: 1px solid #dde1e6; padding: .35em .6em; text-align: right; vertical-align: top;
                     white-space: nowrap; }
            thead th { position: sticky; top: 0; background: #f4f6f8; text-align: center; }
            tbody th { text-align: left; }
            tr.base { background: #f4f6f8; font-weight: 600; }
            td.better { color: #00734d; } td.worse { color: #b3261e; } td.noise { color: #6b7280; }
            td.failed { color: #b3261e; white-space: normal; max-width: 16em; text-align: left; }
            small.delta { color: inherit; opacity: .85; }
            p.legend { font-size: .8em; color: #6b7280; }
            dt { font-weight: 600; margin-top: .4em; } dd { margin-left: 1.5em; color: #4a5058; }
            figure { margin: 2em 0; } figure svg { max-width: 100%; height: auto; }
            figcaption { font-size: .85em; color: #6b7280; }
            footer { margin-top: 3em; font-size: .75em; color: #9aa0a6; }
            @media (prefers-color-scheme: dark) {
              body { background: #1e2126; color: #e6e8eb; } thead th, tr.base { background: #2a2e35; }
              th, td { border-color: #3a3f47; } td.better { color: #4cc38a; } td.worse { color: #ff8a80; }
              figure svg { background: #ffffff; border-radius: 4px; }
            }
            """;
}
