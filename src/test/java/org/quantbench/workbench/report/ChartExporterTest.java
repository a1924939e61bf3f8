package org.quantbench.workbench.report;

import org.jfree.chart.JFreeChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChartExporterTest {
    @TempDir
    Path dir;

    private final JFreeChart chart = ComparisonCharts.create(ChartKind.MEMORY, SampleResults.seedStudy().table());

    @Test
    void writesPngSvgAndPdfAtTheChosenSize() throws IOException {
        ChartExporter.export(chart, dir.resolve("memory.png"), 640, 360);
        ChartExporter.export(chart, dir.resolve("memory.svg"), 640, 360);
        ChartExporter.export(chart, dir.resolve("memory.pdf"), 640, 360);

        BufferedImage png = ImageIO.read(dir.resolve("memory.png").toFile());
        assertThat(png.getWidth()).isEqualTo(640);
        assertThat(png.getHeight()).isEqualTo(360);
        String svg = Files.readString(dir.resolve("memory.svg"));
        assertThat(svg).startsWith("<?xml").contains("<svg").contains("width='640.0'").contains("viewBox='0.0 0.0 640.0 360.0'")
                .contains(">resident</text>");
        byte[] pdf = Files.readAllBytes(dir.resolve("memory.pdf"));
        assertThat(new String(pdf, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
        assertThat(new String(pdf, StandardCharsets.ISO_8859_1)).contains("/MediaBox [0.0 0.0 640.0 360.0]");
    }

    @Test
    void aFullDiskLeavesNothingUnderTheFinalNameAndSaysSo() throws IOException {
        for (ChartFormat format : ChartFormat.values()) {
            Path target = dir.resolve("chart." + format.extension());
            assertThatThrownBy(() -> ChartExporter.export(chart, target, format, 800, 600, FullAfter1k::new))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(target.toString())
                    .hasMessageContaining("disk is full");
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aFailedExportKeepsThePreviousFile() throws IOException {
        Path target = dir.resolve("chart.svg");
        ChartExporter.export(chart, target, 300, 200);
        byte[] before = Files.readAllBytes(target);
        assertThatThrownBy(() -> ChartExporter.export(chart, target, ChartFormat.SVG, 800, 600, FullAfter1k::new))
                .isInstanceOf(IOException.class);
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
    }

    @Test
    void badSizesAndNamesAreRefused() {
        assertThatThrownBy(() -> ChartExporter.export(chart, dir.resolve("a.png"), 10, 400))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 x 400");
        assertThatThrownBy(() -> ChartExporter.export(chart, dir.resolve("a.gif"), 400, 400))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".png, .svg or .pdf");
    }

    /** A disk that fills up after 1,000 bytes, failing as the JDK reports ENOSPC. */
    private static final class FullAfter1k extends FilterOutputStream {
        private int written;

        FullAfter1k(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > 1000) {
                throw new IOException("No space left on device");
            }
            written += len;
            out.write(b, off, len);
        }
    }
}
