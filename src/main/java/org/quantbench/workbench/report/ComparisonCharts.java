package org.quantbench.workbench.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.quantbench.workbench.table.Column;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.Row;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The charts of a {@link ComparisonTable}, drawn with plain JFreeChart (no toolkit: the CLI renders them headless,
 * the GUI shows the same {@link JFreeChart} objects in a viewer). Rows (base and schemes) are the categories; a
 * missing or failed cell is left out rather than drawn as zero. {@link #available} says which charts a table has
 * data for, {@link #create} draws one.
 */
public final class ComparisonCharts {
    private static final Font NOTE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private ComparisonCharts() {}

    /** The charts this table has enough data for, in report order. */
    public static List<ChartKind> available(ComparisonTable table) {
        TableData d = new TableData(table);
        return Arrays.stream(ChartKind.values()).filter(k -> hasData(k, d)).toList();
    }

    public static JFreeChart create(ChartKind kind, ComparisonTable table) {
        return create(kind, table, ChartStyle.LIGHT);
    }

    /** Draws one chart; throws {@link IllegalArgumentException} when the table lacks its data (see {@link #available}). */
    public static JFreeChart create(ChartKind kind, ComparisonTable table, ChartStyle style) {
        TableData d = new TableData(table);
        if (!hasData(kind, d)) {
            throw new IllegalArgumentException("'" + table.title() + "' has no data for the " + kind.fileStem() + " chart");
        }
        JFreeChart chart = switch (kind) {
            case MEMORY -> memory(d);
            case ACCURACY -> accuracy(d);
            case PERPLEXITY -> perplexity(d);
            case KLD -> kld(d);
            case THROUGHPUT -> throughput(d);
            case PARETO -> pareto(d);
            case BITS_SWEEP -> bitsSweep(d);
        };
        style.apply(chart);
        return chart;
    }

    private static boolean hasData(ChartKind kind, TableData d) {
        return switch (kind) {
            case MEMORY -> d.anyValue(memoryColumns(d));
            case ACCURACY -> d.anyValue(d.taskColumns("acc"));
            case PERPLEXITY -> d.column("perplexity", "perplexity").filter(d::anyValue).isPresent();
            case KLD -> d.column("kld", "kld_mean").filter(d::anyValue).isPresent();
            case THROUGHPUT -> d.anyValue(d.columns("throughput", "prefill_tok_s"))
                    || d.anyValue(d.columns("throughput", "decode_tok_s"));
            case PARETO -> paretoPoints(d).size() >= 2;
            case BITS_SWEEP -> !sweepSeries(d).isEmpty();
        };
    }

    private static List<Column> memoryColumns(TableData d) {
        List<Column> out = new ArrayList<>();
        d.column(TableData.MEMORY, "disk_bytes").ifPresent(out::add);
        d.column(TableData.MEMORY, "resident_bytes").ifPresent(out::add);
        return out;
    }

    private static JFreeChart memory(TableData d) {
        List<Column> columns = memoryColumns(d).stream().filter(d::anyValue).toList();
        double max = 0;
        for (Column c : columns) {
            for (Row r : d.rows()) {
                max = Math.max(max, d.value(r, c).orElse(0.0));
            }
        }
        ByteScale scale = ByteScale.forMax(max);
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (Row r : d.rows()) {
            for (Column c : columns) {
                d.value(r, c).ifPresent(v -> ds.addValue(v / scale.divisor(), c.label(), d.label(r)));
            }
        }
        CategoryPlot plot = barPlot(ds, new BarRenderer(), "bytes (" + scale.unit() + ")");
        labelBars(plot, "0.##");
        return chart(ChartKind.MEMORY, plot, "disk: size of the stored model; resident: weight bytes held in memory");
    }

    private static JFreeChart accuracy(TableData d) {
        DefaultStatisticalCategoryDataset ds = new DefaultStatisticalCategoryDataset();
        List<Column> tasks = d.taskColumns("acc").stream().filter(d::anyValue).toList();
        for (Row r : d.rows()) {
            for (Column c : tasks) {
                d.cell(r, c).ifPresent(cell -> ds.add(cell.value(), cell.stderr(), c.label(), d.label(r)));
            }
        }
        CategoryPlot plot = barPlot(ds, errorBars(), "accuracy");
        return chart(ChartKind.ACCURACY, plot, "error bars: ± one standard error; differences inside them are noise");
    }

    private static JFreeChart perplexity(TableData d) {
        Column c = d.column("perplexity", "perplexity").orElseThrow();
        DefaultStatisticalCategoryDataset ds = new DefaultStatisticalCategoryDataset();
        for (Row r : d.rows()) {
            d.cell(r, c).ifPresent(cell -> ds.add(cell.value(), cell.stderr(), "perplexity", d.label(r)));
        }
        CategoryPlot plot = barPlot(ds, errorBars(), "perplexity (lower is better)");
        double[] range = positiveRange(ds);
        if (needsLogAxis(range[0], range[1])) {
            plot.setRangeAxis(new LogAxis("perplexity (lower is better), log scale"));
            ((BarRenderer) plot.getRenderer()).setIncludeBaseInRange(false);
        }
        plot.getRenderer().setDefaultSeriesVisibleInLegend(false);
        baseMarker(plot, d.baseValue(c));
        labelBars(plot, "0.###");
        return chart(ChartKind.PERPLEXITY, plot, null);
    }

    private static JFreeChart kld(TableData d) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        List<Column> columns = new ArrayList<>();
        d.column("kld", "kld_mean").ifPresent(columns::add);
        d.column("kld", "kld_p99").filter(d::anyValue).ifPresent(columns::add);
        for (Row r : d.rows()) {
            for (Column c : columns) {
                d.value(r, c).ifPresent(v -> ds.addValue(v, c.label(), d.label(r)));
            }
        }
        CategoryPlot plot = barPlot(ds, new BarRenderer(), "nats (lower is better)");
        double[] range = positiveRange(ds);
        // 8-bit schemes sit near 0.001 nats, collapsed 2-bit ones near 10: the perplexity chart's log-axis rule; a
        // scheme identical to the base (KLD 0) stays at the axis floor
        if (needsLogAxis(range[0], range[1])) {
            LogAxis axis = new LogAxis("nats (lower is better), log scale");
            axis.setSmallestValue(range[0] / 2);
            plot.setRangeAxis(axis);
            ((BarRenderer) plot.getRenderer()).setIncludeBaseInRange(false);
        }
        return chart(ChartKind.KLD, plot, "KL divergence of each scheme's next-token distribution from the base's");
    }

    private static JFreeChart throughput(TableData d) {
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(rotatedAxis());
        for (String metric : List.of("prefill_tok_s", "decode_tok_s")) {
            List<Column> columns = d.columns("throughput", metric).stream().filter(d::anyValue).toList();
            if (columns.isEmpty()) {
                continue;
            }
            DefaultStatisticalCategoryDataset ds = new DefaultStatisticalCategoryDataset();
            for (Row r : d.rows()) {
                for (Column c : columns) {
                    d.cell(r, c).ifPresent(cell -> ds.add(cell.value(), cell.stderr(), c.label(), d.label(r)));
                }
            }
            NumberAxis axis = new NumberAxis((metric.startsWith("prefill") ? "prefill" : "decode") + " tok/s");
            plot.add(new CategoryPlot(ds, null, axis, errorBars()), 1);
        }
        return chart(ChartKind.THROUGHPUT, plot, "tokens per second, higher is better; xN = N concurrent streams");
    }

    private static List<ParetoFront.Point<Row>> paretoPoints(TableData d) {
        Optional<Column> bits = d.column(TableData.MEMORY, TableData.BITS);
        Optional<TableData.Quality> quality = d.quality();
        if (bits.isEmpty() || quality.isEmpty()) {
            return List.of();
        }
        List<ParetoFront.Point<Row>> points = new ArrayList<>();
        for (TableData.Scored s : quality.get().values()) {
            d.value(s.row(), bits.get()).ifPresent(b -> points.add(new ParetoFront.Point<>(s.row(), b, s.value())));
        }
        return points;
    }

    private static JFreeChart pareto(TableData d) {
        TableData.Quality quality = d.quality().orElseThrow();
        List<ParetoFront.Point<Row>> points = paretoPoints(d);
        List<ParetoFront.Point<Row>> front = ParetoFront.of(points, quality.higherIsBetter());
        XYSeries all = new XYSeries("schemes", false, true);
        XYSeries best = new XYSeries("Pareto front", false, true);
        List<String> labels = new ArrayList<>();
        for (ParetoFront.Point<Row> p : points) {
            all.add(p.bits(), p.quality());
            labels.add(d.label(p.item()));
        }
        front.forEach(p -> best.add(p.bits(), p.quality()));
        XYSeriesCollection ds = new XYSeriesCollection();
        ds.addSeries(all);
        ds.addSeries(best);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesLinesVisible(0, false);
        renderer.setSeriesShapesVisible(1, false);
        renderer.setSeriesStroke(1, new BasicStroke(2f));
        renderer.setSeriesItemLabelGenerator(0, (dataset, series, item) -> labels.get(item));
        renderer.setSeriesItemLabelsVisible(0, true);
        renderer.setSeriesItemLabelFont(0, NOTE_FONT);
        NumberAxis x = new NumberAxis("bits per weight");
        x.setAutoRangeIncludesZero(false);
        // Room for the point labels at both ends.
        x.setLowerMargin(0.12);
        x.setUpperMargin(0.15);
        NumberAxis y = new NumberAxis(quality.name() + (quality.higherIsBetter() ? " (higher is better)" : " (lower is better)"));
        y.setAutoRangeIncludesZero(false);
        y.setUpperMargin(0.08);
        XYPlot plot = new XYPlot(ds, x, y, renderer);
        return chart(ChartKind.PARETO, plot, "the front joins the schemes no other beats on both bits and "
                + quality.name());
    }

    /** One series per sweep family with at least two bit widths: bits -> quality. */
    private static Map<String, TreeMap<Integer, Double>> sweepSeries(TableData d) {
        Map<String, TreeMap<Integer, Double>> series = new TreeMap<>();
        Optional<TableData.Quality> quality = d.quality();
        if (quality.isEmpty()) {
            return series;
        }
        for (TableData.Scored s : quality.get().values()) {
            TableData.intScheme(s.row()).ifPresent(scheme -> series
                    .computeIfAbsent(TableData.family(scheme), f -> new TreeMap<>())
                    .putIfAbsent(scheme.bits(), s.value()));
        }
        series.values().removeIf(points -> points.size() < 2);
        return series;
    }

    private static JFreeChart bitsSweep(TableData d) {
        TableData.Quality quality = d.quality().orElseThrow();
        XYSeriesCollection ds = new XYSeriesCollection();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Map.Entry<String, TreeMap<Integer, Double>> family : sweepSeries(d).entrySet()) {
            XYSeries s = new XYSeries(family.getKey());
            for (Map.Entry<Integer, Double> p : family.getValue().entrySet()) {
                s.add(p.getKey(), p.getValue());
                min = Math.min(min, p.getValue());
                max = Math.max(max, p.getValue());
            }
            ds.addSeries(s);
        }
        NumberAxis x = new NumberAxis("bits per weight (code width)");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        String yLabel = quality.name() + (quality.higherIsBetter() ? " (higher is better)" : " (lower is better)");
        ValueAxis y;
        if (needsLogAxis(min, max)) {
            y = new LogAxis(yLabel + ", log scale");
        } else {
            NumberAxis linear = new NumberAxis(yLabel);
            linear.setAutoRangeIncludesZero(false);
            y = linear;
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < ds.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(ds, x, y, renderer);
        quality.base().ifPresent(v -> plot.addRangeMarker(marker(v, "base")));
        return chart(ChartKind.BITS_SWEEP, plot, "one line per method, group size and symmetry; dashed: the base");
    }

    /**
     * Perplexity at 2 and 3 bits can be thousands of times the 8-bit value: past a 20x range only a log axis keeps
     * both readable. Below it, bars keep their zero-based linear axis.
     */
    private static boolean needsLogAxis(double min, double max) {
        return min > 0 && max / min > 20;
    }

    /** The smallest and largest positive values of a bar dataset (the means, for a statistical one). */
    private static double[] positiveRange(CategoryDataset ds) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int row = 0; row < ds.getRowCount(); row++) {
            for (int col = 0; col < ds.getColumnCount(); col++) {
                Number v = ds.getValue(row, col);
                if (v != null && v.doubleValue() > 0) {
                    min = Math.min(min, v.doubleValue());
                    max = Math.max(max, v.doubleValue());
                }
            }
        }
        return new double[] {min, max};
    }

    private static CategoryPlot barPlot(CategoryDataset ds, BarRenderer renderer, String valueLabel) {
        NumberAxis values = new NumberAxis(valueLabel);
        CategoryPlot plot = new CategoryPlot(ds, rotatedAxis(), values, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        return plot;
    }

    private static CategoryAxis rotatedAxis() {
        CategoryAxis axis = new CategoryAxis(null);
        // Scheme names are long: slanted labels keep 20+ rows legible.
        axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        axis.setMaximumCategoryLabelLines(2);
        return axis;
    }

    private static StatisticalBarRenderer errorBars() {
        StatisticalBarRenderer r = new StatisticalBarRenderer();
        r.setErrorIndicatorStroke(new BasicStroke(1.2f));
        return r;
    }

    /** Values on top of the bars, while there are few enough bars for them to stay apart. */
    private static void labelBars(CategoryPlot plot, String pattern) {
        if (plot.getDataset().getColumnCount() * plot.getDataset().getRowCount() > 24) {
            return;
        }
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat(pattern)));
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(NOTE_FONT);
    }

    private static void baseMarker(CategoryPlot plot, Optional<Double> base) {
        base.ifPresent(v -> plot.addRangeMarker(marker(v, "base")));
    }

    private static ValueMarker marker(double value, String label) {
        ValueMarker m = new ValueMarker(value, Color.GRAY, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelFont(NOTE_FONT);
        m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        return m;
    }

    private static JFreeChart chart(ChartKind kind, Plot plot, String note) {
        JFreeChart chart = new JFreeChart(kind.title(), JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        if (note != null) {
            chart.addSubtitle(new TextTitle(note, NOTE_FONT));
        }
        return chart;
    }

    /** Cells hold bytes; axes read better in the largest binary unit under the maximum, as the tables print them. */
    private record ByteScale(double divisor, String unit) {
        static ByteScale forMax(double max) {
            if (max >= 1L << 30) {
                return new ByteScale(1L << 30, "GiB");
            }
            if (max >= 1 << 20) {
                return new ByteScale(1 << 20, "MiB");
            }
            return max >= 1 << 10 ? new ByteScale(1 << 10, "KiB") : new ByteScale(1, "B");
        }
    }
}
