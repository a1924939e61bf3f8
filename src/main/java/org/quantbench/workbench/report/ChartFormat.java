package org.quantbench.workbench.report;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The file formats a chart exports to. */
public enum ChartFormat {
    PNG("png"), SVG("svg"), PDF("pdf");

    private final String extension;

    ChartFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** The format a file name asks for by its extension. */
    public static Optional<ChartFormat> of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (ChartFormat f : values()) {
            if (name.endsWith("." + f.extension)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
