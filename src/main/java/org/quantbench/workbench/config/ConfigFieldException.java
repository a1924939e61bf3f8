package org.quantbench.workbench.config;

/**
 * A config value that is out of range or inconsistent, raised while a config object is built; {@code field} is the
 * field's name inside that object (e.g. {@code ctx}, {@code schemes[3]}), which the reader prefixes with the
 * object's path and the file name.
 */
public final class ConfigFieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public ConfigFieldException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    public String field() { return field; }
}
