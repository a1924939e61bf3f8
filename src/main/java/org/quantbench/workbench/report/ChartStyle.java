package org.quantbench.workbench.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.title.TextTitle;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.util.List;

/** Light (reports, print) or dark (the dark UI theme) colours; flat bars without gradients or shadows in both. */
public enum ChartStyle {
    LIGHT(Color.WHITE, new Color(0x20, 0x24, 0x2a), new Color(0xdd, 0xe1, 0xe6)),
    DARK(new Color(0x1e, 0x21, 0x26), new Color(0xe6, 0xe8, 0xeb), new Color(0x3a, 0x3f, 0x47));

    /** Colour-blind-safe series colours (Okabe-Ito), in series order. */
    static final Paint[] SERIES = {new Color(0x00, 0x72, 0xb2), new Color(0xe6, 0x9f, 0x00),
            new Color(0x00, 0x9e, 0x73), new Color(0xcc, 0x79, 0xa7), new Color(0x56, 0xb4, 0xe9),
            new Color(0xd5, 0x5e, 0x00), new Color(0xf0, 0xe4, 0x42), new Color(0x99, 0x99, 0x99)};

    private static final Font NOTE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private final Color background;
    private final Color text;
    private final Color grid;

    ChartStyle(Color background, Color text, Color grid) {
        this.background = background;
        this.text = text;
        this.grid = grid;
    }

    void apply(JFreeChart chart) {
        StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        theme.setChartBackgroundPaint(background);
        theme.setPlotBackgroundPaint(background);
        theme.setLegendBackgroundPaint(background);
        theme.setTitlePaint(text);
        theme.setSubtitlePaint(text);
        theme.setLegendItemPaint(text);
        theme.setAxisLabelPaint(text);
        theme.setTickLabelPaint(text);
        theme.setItemLabelPaint(text);
        theme.setDomainGridlinePaint(grid);
        theme.setRangeGridlinePaint(grid);
        theme.setBarPainter(new StandardBarPainter());
        theme.setXYBarPainter(new StandardXYBarPainter());
        theme.setShadowVisible(false);
        theme.setDrawingSupplier(new DefaultDrawingSupplier(SERIES,
                DefaultDrawingSupplier.DEFAULT_FILL_PAINT_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_STROKE_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE));
        theme.apply(chart);
        // The theme sets every subtitle in its large bold font; the subtitles here are notes.
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof TextTitle note) {
                note.setFont(NOTE_FONT);
            }
        }
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        List<CategoryPlot> plots = chart.getPlot() instanceof CombinedDomainCategoryPlot combined ? combined.getSubplots()
                : chart.getPlot() instanceof CategoryPlot single ? List.of(single) : List.of();
        for (CategoryPlot p : plots) {
            if (p.getRenderer() instanceof BarRenderer b) {
                b.setItemMargin(0.02);
            }
            if (p.getRenderer() instanceof StatisticalBarRenderer s) {
                s.setErrorIndicatorPaint(text);
            }
        }
    }
}
