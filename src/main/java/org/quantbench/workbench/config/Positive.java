package org.quantbench.workbench.config;

/** Range checks of config numbers, raising {@link ConfigFieldException} with the field's name. */
final class Positive {
    private Positive() {}

    static int orDefault(String field, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 1) {
            throw new ConfigFieldException(field, "must be at least 1, got " + value);
        }
        return value;
    }

    /** 0 means "no limit". */
    static int limit(String field, Integer value) {
        if (value == null) {
            return 0;
        }
        if (value < 0) {
            throw new ConfigFieldException(field, "must be 0 (no limit) or more, got " + value);
        }
        return value;
    }
}
