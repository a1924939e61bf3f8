package org.quantbench.workbench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {
    @TempDir
    Path dir;

    @Test
    void oneSelfContainedFileWithTheTableDefinitionsAndEveryChartInline() throws IOException {
        SampleResults sample = SampleResults.seedStudy();
        HtmlReport report = HtmlReport.of(sample.table())
                .withNotes(List.of("quantbench run sample.json --profile quick", "made-up numbers <for a test>"))
                .withDefinitions(HtmlReport.definitionsOf(sample.rows()));
        Path file = dir.resolve("report.html");
        report.write(file);
        String html = Files.readString(file);

        assertThat(Pattern.compile("<svg").matcher(html).results().count()).isEqualTo(ChartKind.values().length);
        assertThat(html).contains("<h1>seed study</h1>")
                .contains("made-up numbers &lt;for a test&gt;")
                .contains("<th>base = Q4_1 dequantized</th>")
                .contains("failed: not available: AQLM needs the calibration pipeline")
                .contains("perplexity perplexity as measured")
                .contains("± ");
        // nothing is fetched from elsewhere: no scripts, stylesheets or images by reference
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain(" src=")
                .doesNotContain("xlink:href=\"http");
        // each chart's SVG ids are its own, so clip paths of one do not clip another
        assertThat(html).contains("id='qb").doesNotContainPattern("id='(?!qb)");
    }

    @Test
    void deltasOutsideNoiseAreMarkedBetterOrWorseByTheColumnsDirection() {
        String html = HtmlReport.of(SampleResults.seedStudy().only("perplexity").table()).render();
        // W2 RTN perplexity 2500 vs 26.8: far outside noise and worse (lower is better)
        assertThat(html).containsPattern("<td class=\"worse\">2500\\.0 ");
        // W8 perplexity 26.9 ± 0.269 vs 26.8 ± 0.268: within noise
        assertThat(html).containsPattern("<td class=\"noise\">26\\.900");
    }

    @Test
    void reportFilesWriteEveryChartInEachFormatAndTheReport() throws IOException {
        SampleResults sample = SampleResults.seedStudy().only("memory", "perplexity");
        List<Path> files = ReportFiles.write(sample.table(), sample.rows(), List.of("note"), dir,
                java.util.EnumSet.of(ChartFormat.PNG, ChartFormat.SVG), 400, 300);
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("memory.png", "memory.svg",
                "perplexity.png", "perplexity.svg", "accuracy-vs-bits.png", "accuracy-vs-bits.svg", "bits-sweep.png",
                "bits-sweep.svg", "report.html");
        assertThat(files).allSatisfy(p -> assertThat(p).isNotEmptyFile());
    }
}
