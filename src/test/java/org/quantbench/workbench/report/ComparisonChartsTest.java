package org.quantbench.workbench.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.statistics.StatisticalCategoryDataset;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.quantbench.workbench.table.ComparisonTable;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ComparisonChartsTest {
    private final ComparisonTable table = SampleResults.seedStudy().table();

    @Test
    void aFullRunHasEveryChartAndAPartialOneOnlyWhatItMeasured() {
        assertThat(ComparisonCharts.available(table)).containsExactly(ChartKind.values());
        ComparisonTable pplOnly = SampleResults.seedStudy().only("perplexity").table();
        // the sweep reads the bit widths from the scheme names, so it needs no memory columns
        assertThat(ComparisonCharts.available(pplOnly)).containsExactly(ChartKind.PERPLEXITY, ChartKind.BITS_SWEEP);
        assertThatThrownBy(() -> ComparisonCharts.create(ChartKind.MEMORY, pplOnly))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memory");
    }

    @Test
    void accuracyBarsCarryTheStandardErrorAndSkipTheFailedScheme() {
        CategoryPlot plot = (CategoryPlot) ComparisonCharts.create(ChartKind.ACCURACY, table).getPlot();
        StatisticalCategoryDataset ds = (StatisticalCategoryDataset) plot.getDataset();
        assertThat(ds.getRowKeys()).extracting(Object::toString).containsExactly("arc_easy acc", "piqa acc");
        assertThat(ds.getColumnKeys()).extracting(Object::toString).startsWith("base = Q4_1 dequantized")
                .doesNotContain("AQLM-2x8");
        assertThat(ds.getMeanValue("arc_easy acc", "W4A16-GPTQ-g128-sym").doubleValue()).isEqualTo(0.58);
        assertThat(ds.getStdDevValue("piqa acc", "Q4_0").doubleValue()).isEqualTo(0.015);
    }

    @Test
    void perplexityBarsShowTheBaseAsAReferenceLineOnALogAxisWhenTheRangeIsWide() {
        CategoryPlot plot = (CategoryPlot) ComparisonCharts.create(ChartKind.PERPLEXITY, table).getPlot();
        assertThat(plot.getRangeMarkers(org.jfree.chart.ui.Layer.FOREGROUND)).singleElement()
                .satisfies(m -> assertThat(((org.jfree.chart.plot.ValueMarker) m).getValue()).isEqualTo(26.8));
        // W2 RTN's 2500 against the base's 26.8: a linear axis would flatten every other bar
        assertThat(plot.getRangeAxis()).isInstanceOf(LogAxis.class);
        CategoryPlot eightBit = (CategoryPlot) ComparisonCharts.create(ChartKind.PERPLEXITY,
                SampleResults.seedStudy().onlySchemes("W8A16-RTN-g128-sym").table()).getPlot();
        assertThat(eightBit.getRangeAxis()).isNotInstanceOf(LogAxis.class);
        assertThat(((org.jfree.chart.axis.NumberAxis) eightBit.getRangeAxis()).getAutoRangeIncludesZero()).isTrue();
    }

    @Test
    void kldBarsUseALogAxisOnlyWhenTwoBitsStretchTheRange() {
        // W2 RTN's p99 of 12 nats against W8's mean of 0.002
        CategoryPlot plot = (CategoryPlot) ComparisonCharts.create(ChartKind.KLD, table).getPlot();
        assertThat(plot.getRangeAxis()).isInstanceOf(LogAxis.class);
        assertThat(((LogAxis) plot.getRangeAxis()).getSmallestValue()).isEqualTo(0.001);
        CategoryPlot eightBit = (CategoryPlot) ComparisonCharts.create(ChartKind.KLD,
                SampleResults.seedStudy().onlySchemes("W8A16-RTN-g128-sym").table()).getPlot();
        assertThat(eightBit.getRangeAxis()).isNotInstanceOf(LogAxis.class);
    }

    @Test
    void throughputSplitsPrefillAndDecodeWithOneSeriesPerStreamCount() {
        CombinedDomainCategoryPlot plot = (CombinedDomainCategoryPlot) ComparisonCharts.create(ChartKind.THROUGHPUT, table).getPlot();
        List<CategoryPlot> subplots = plot.getSubplots();
        assertThat(subplots).hasSize(2);
        assertThat(subplots.get(1).getDataset().getRowKeys()).extracting(Object::toString)
                .containsExactly("decode x1", "decode x4");
    }

    @Test
    void theParetoFrontJoinsTheSchemesNoneBeats() {
        XYPlot plot = (XYPlot) ComparisonCharts.create(ChartKind.PARETO, table).getPlot();
        XYSeriesCollection ds = (XYSeriesCollection) plot.getDataset();
        assertThat(ds.getSeries(0).getItemCount()).isEqualTo(8);   // base + 7 schemes with both tasks; AQLM failed
        // mean of arc_easy and piqa acc: W2 RTN 0.38 at 2.25, W3 GPTQ 0.58 at 3.25, W4 GPTQ 0.63 at 4.25,
        // W8 0.65 at 8.25 (the base ties it at 16 bits, so it is not on the front)
        var front = ds.getSeries(1);
        assertThat(front.getItemCount()).isEqualTo(4);
        assertThat(front.getX(0).doubleValue()).isEqualTo(2.25);
        assertThat(front.getY(2).doubleValue()).isCloseTo(0.63, within(1e-9));
        assertThat(front.getX(3).doubleValue()).isEqualTo(8.25);
    }

    @Test
    void theBitsSweepDrawsOneLinePerFamilyOnALogAxisWhenTwoBitsCollapse() {
        JFreeChart chart = ComparisonCharts.create(ChartKind.BITS_SWEEP, SampleResults.seedStudy().only("memory",
                "perplexity").table());
        XYPlot plot = (XYPlot) chart.getPlot();
        XYSeriesCollection ds = (XYSeriesCollection) plot.getDataset();
        assertThat(ds.getSeries()).extracting(s -> ((org.jfree.data.xy.XYSeries) s).getKey().toString())
                .containsExactly("W*A16-GPTQ-g128-sym", "W*A16-RTN-g128-sym");
        assertThat(ds.getSeries(1).getItemCount()).isEqualTo(4);   // 2, 3, 4, 8 bits
        assertThat(ds.getSeries(1).getY(0).doubleValue()).isEqualTo(2500.0);
        assertThat(plot.getRangeAxis()).isInstanceOf(LogAxis.class);
    }

    @Test
    void sideBySideRunsGetDistinctCategories() {
        ComparisonTable both = ComparisonTable.sideBySide("two runs", List.of(SampleResults.seedStudy().run(),
                SampleResults.seedStudy().run()));
        CategoryPlot plot = (CategoryPlot) ComparisonCharts.create(ChartKind.PERPLEXITY, both).getPlot();
        assertThat(plot.getDataset().getColumnCount()).isEqualTo(16);
    }
}
