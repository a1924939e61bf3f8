package org.quantbench.tensor;

import java.nio.file.Path;

/**
 * The one error a parser of outside files throws: it names the file, the field (or byte offset) and the reason,
 * so a user sees what is wrong without a stack trace.
 */
public final class FileFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;

    public FileFormatException(Path file, String field, String reason) {
        this(file, field, reason, null);
    }

    public FileFormatException(Path file, String field, String reason, Throwable cause) {
        super(file + ": " + field + ": " + reason, cause);
        this.file = file;
        this.field = field;
    }

    public Path file() { return file; }

    public String field() { return field; }
}
