package org.quantbench.workbench.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.pdf.PDFDocument;
import org.jfree.pdf.PDFGraphics2D;
import org.jfree.pdf.Page;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;
import org.quantbench.export.AtomicFileWriter;

import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Writes a chart as PNG, SVG or PDF at a chosen size in pixels (points for PDF). The file is written under a
 * temporary name and renamed when complete, so a full disk or any other failure leaves nothing under the final
 * name; the error says which file and why.
 */
public final class ChartExporter {
    public static final int MIN_SIZE = 50;
    public static final int MAX_SIZE = 10_000;
    private static final AtomicInteger SVG_IDS = new AtomicInteger();

    private ChartExporter() {}

    /** Exports in the format the file's extension names (.png, .svg, .pdf). */
    public static void export(JFreeChart chart, Path target, int width, int height) throws IOException {
        ChartFormat format = ChartFormat.of(target).orElseThrow(() -> new IllegalArgumentException(
                target.getFileName() + ": the name must end in .png, .svg or .pdf"));
        export(chart, target, format, width, height);
    }

    public static void export(JFreeChart chart, Path target, ChartFormat format, int width, int height)
            throws IOException {
        export(chart, target, format, width, height, UnaryOperator.identity());
    }

    /** As {@link #export(JFreeChart, Path, ChartFormat, int, int)}, through {@code sink} (tests make it fail). */
    static void export(JFreeChart chart, Path target, ChartFormat format, int width, int height,
                       UnaryOperator<OutputStream> sink) throws IOException {
        checkSize(width, height);
        byte[] bytes = render(chart, format, width, height);
        try {
            AtomicFileWriter.write(target, channel -> {
                OutputStream out = sink.apply(Channels.newOutputStream(channel));
                out.write(bytes);
                out.flush();
            });
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + reason(e), e);
        }
    }

    /** The SVG document of a chart, with element ids unique to it so several can sit in one HTML page. */
    public static String svg(JFreeChart chart, int width, int height) {
        checkSize(width, height);
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix("qb" + SVG_IDS.incrementAndGet() + "_");
        chart.draw(g2, new Rectangle(0, 0, width, height));
        // Dimensions and a view box: the file opens at its size, and a page can scale it to fit.
        return g2.getSVGElement(null, true, new ViewBox(0, 0, width, height), null, null);
    }

    /** The file's bytes, drawn in memory first so that writing is one plain copy whatever the format. */
    private static byte[] render(JFreeChart chart, ChartFormat format, int width, int height) throws IOException {
        if (format == ChartFormat.PNG) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(png, chart, width, height);
            return png.toByteArray();
        }
        if (format == ChartFormat.SVG) {
            return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg(chart, width, height))
                    .getBytes(StandardCharsets.UTF_8);
        }
        PDFDocument pdf = new PDFDocument();
        pdf.setTitle(chart.getTitle() != null ? chart.getTitle().getText() : "chart");
        Page page = pdf.createPage(new Rectangle(width, height));
        PDFGraphics2D g2 = page.getGraphics2D();
        chart.draw(g2, new Rectangle(0, 0, width, height));
        return pdf.getPDFBytes();
    }

    private static void checkSize(int width, int height) {
        if (width < MIN_SIZE || height < MIN_SIZE || width > MAX_SIZE || height > MAX_SIZE) {
            throw new IllegalArgumentException("chart size must be " + MIN_SIZE + ".." + MAX_SIZE + " in each direction, got "
                    + width + " x " + height);
        }
    }

    /**
     * The cause in words, naming a full disk as such (the JDK reports it as a bare "No space left on device",
     * sometimes wrapped by the writer that hit it).
     */
    static String reason(IOException e) {
        String first = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t instanceof FileSystemException f && f.getReason() != null ? f.getReason() : t.getMessage();
            if (message == null) {
                continue;
            }
            first = first == null ? message : first;
            String lower = message.toLowerCase(Locale.ROOT);
            if (lower.contains("no space left") || lower.contains("disk full") || lower.contains("not enough space")
                    || lower.contains("quota")) {
                return "the disk is full (" + message + "); nothing was written";
            }
        }
        return (first != null ? first : e.getClass().getSimpleName()) + "; nothing was written";
    }
}
