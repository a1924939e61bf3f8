package org.quantbench.model.gguf;

import java.util.Objects;

/**
 * One typed GGUF metadata value. {@code value} is a Long for every integer type (unsigned types widened without
 * sign, UINT64 as raw two's complement bits), a Double for FLOAT32/FLOAT64 (FLOAT32 values exactly representable
 * as float), a Boolean, a String or a {@link GgufArray}.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        boolean ok = switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> value instanceof Long l && type.holds(l);
            case FLOAT32 -> value instanceof Double d && (d.isNaN() || (double) (float) (double) d == d);
            case FLOAT64 -> value instanceof Double;
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case ARRAY -> value instanceof GgufArray;
        };
        if (!ok) {
            throw new IllegalArgumentException(value + " (" + value.getClass().getSimpleName() + ") is not a valid " + type);
        }
    }

    public static GgufValue integer(GgufValueType type, long value) { return new GgufValue(type, value); }

    public static GgufValue uint32(long value) { return new GgufValue(GgufValueType.UINT32, value); }

    public static GgufValue int32(int value) { return new GgufValue(GgufValueType.INT32, (long) value); }

    public static GgufValue uint64(long value) { return new GgufValue(GgufValueType.UINT64, value); }

    public static GgufValue float32(float value) { return new GgufValue(GgufValueType.FLOAT32, (double) value); }

    public static GgufValue float64(double value) { return new GgufValue(GgufValueType.FLOAT64, value); }

    public static GgufValue bool(boolean value) { return new GgufValue(GgufValueType.BOOL, value); }

    public static GgufValue string(String value) { return new GgufValue(GgufValueType.STRING, value); }

    public static GgufValue array(GgufArray value) { return new GgufValue(GgufValueType.ARRAY, value); }

    @Override
    public String toString() {
        return type + " " + (type == GgufValueType.UINT64 ? Long.toUnsignedString((Long) value) : value);
    }
}
