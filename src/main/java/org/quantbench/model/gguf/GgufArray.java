package org.quantbench.model.gguf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable GGUF metadata array. Elements are kept in the narrowest Java type of the stored one (a UINT8 array
 * is a byte[]), so the heap never holds more than the file does; read them back widened with {@link #getLong},
 * {@link #getDouble}, {@link #getBool}, {@link #getString} or {@link #getArray} matching {@link #elementType()}.
 */
public final class GgufArray {
    private final GgufValueType elementType;
    /** byte[], short[], int[], long[], float[], double[], boolean[], String[] or GgufArray[] by element type. */
    private final Object values;
    private final int size;

    GgufArray(GgufValueType elementType, Object values, int size) {
        this.elementType = elementType;
        this.values = values;
        this.size = size;
    }

    public static GgufArray ofStrings(List<String> strings) {
        String[] copy = strings.toArray(new String[0]);
        for (String s : copy) {
            Objects.requireNonNull(s, "null string in a GGUF array");
        }
        return new GgufArray(GgufValueType.STRING, copy, copy.length);
    }

    public static GgufArray ofInt32(int[] values) {
        return new GgufArray(GgufValueType.INT32, values.clone(), values.length);
    }

    public static GgufArray ofFloat32(float[] values) {
        return new GgufArray(GgufValueType.FLOAT32, values.clone(), values.length);
    }

    public static GgufArray ofFloat64(double[] values) {
        return new GgufArray(GgufValueType.FLOAT64, values.clone(), values.length);
    }

    public static GgufArray ofBools(boolean[] values) {
        return new GgufArray(GgufValueType.BOOL, values.clone(), values.length);
    }

    public static GgufArray ofArrays(List<GgufArray> arrays) {
        GgufArray[] copy = arrays.toArray(new GgufArray[0]);
        for (GgufArray a : copy) {
            Objects.requireNonNull(a, "null element in a GGUF array of arrays");
        }
        return new GgufArray(GgufValueType.ARRAY, copy, copy.length);
    }

    /** An array of any integer type; each value (raw two's complement for UINT64) must lie in that type's range. */
    public static GgufArray ofIntegers(GgufValueType type, long[] values) {
        if (!type.isInteger()) {
            throw new IllegalArgumentException(type + " is not an integer type");
        }
        for (long v : values) {
            if (!type.holds(v)) {
                throw new IllegalArgumentException(v + " does not fit " + type);
            }
        }
        int n = values.length;
        Object narrow = switch (type) {
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) a[i] = (byte) values[i];
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) a[i] = (short) values[i];
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = (int) values[i];
                yield a;
            }
            default -> values.clone();
        };
        return new GgufArray(type, narrow, n);
    }

    public GgufValueType elementType() { return elementType; }

    public int size() { return size; }

    /** Element {@code i} of an integer array, unsigned types widened without sign (UINT64 as raw bits). */
    public long getLong(int i) {
        return switch (elementType) {
            case UINT8 -> ((byte[]) values)[i] & 0xFFL;
            case INT8 -> ((byte[]) values)[i];
            case UINT16 -> ((short[]) values)[i] & 0xFFFFL;
            case INT16 -> ((short[]) values)[i];
            case UINT32 -> ((int[]) values)[i] & 0xFFFF_FFFFL;
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            default -> throw wrongType("an integer");
        };
    }

    public double getDouble(int i) {
        return switch (elementType) {
            case FLOAT32 -> ((float[]) values)[i];
            case FLOAT64 -> ((double[]) values)[i];
            default -> throw wrongType("a float");
        };
    }

    public boolean getBool(int i) {
        if (elementType != GgufValueType.BOOL) {
            throw wrongType("a bool");
        }
        return ((boolean[]) values)[i];
    }

    public String getString(int i) {
        if (elementType != GgufValueType.STRING) {
            throw wrongType("a string");
        }
        return ((String[]) values)[i];
    }

    public GgufArray getArray(int i) {
        if (elementType != GgufValueType.ARRAY) {
            throw wrongType("an array");
        }
        return ((GgufArray[]) values)[i];
    }

    /** The elements of a string array, as an unmodifiable list. */
    public List<String> strings() {
        if (elementType != GgufValueType.STRING) {
            throw wrongType("a string");
        }
        return List.of((String[]) values);
    }

    /** The elements of a FLOAT32 array, or of a FLOAT64 array narrowed to float. */
    public float[] toFloatArray() {
        if (elementType == GgufValueType.FLOAT32) {
            return ((float[]) values).clone();
        }
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    private IllegalStateException wrongType(String wanted) {
        return new IllegalStateException("array of " + elementType + " read as " + wanted);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GgufArray other) || other.elementType != elementType) {
            return false;
        }
        return switch (values) {
            case byte[] a -> Arrays.equals(a, (byte[]) other.values);
            case short[] a -> Arrays.equals(a, (short[]) other.values);
            case int[] a -> Arrays.equals(a, (int[]) other.values);
            case long[] a -> Arrays.equals(a, (long[]) other.values);
            case float[] a -> Arrays.equals(a, (float[]) other.values);
            case double[] a -> Arrays.equals(a, (double[]) other.values);
            case boolean[] a -> Arrays.equals(a, (boolean[]) other.values);
            case Object[] a -> Arrays.equals(a, (Object[]) other.values);
            default -> throw new IllegalStateException("unexpected storage " + values.getClass());
        };
    }

    @Override
    public int hashCode() {
        int h = switch (values) {
            case byte[] a -> Arrays.hashCode(a);
            case short[] a -> Arrays.hashCode(a);
            case int[] a -> Arrays.hashCode(a);
            case long[] a -> Arrays.hashCode(a);
            case float[] a -> Arrays.hashCode(a);
            case double[] a -> Arrays.hashCode(a);
            case boolean[] a -> Arrays.hashCode(a);
            case Object[] a -> Arrays.hashCode(a);
            default -> 0;
        };
        return 31 * elementType.hashCode() + h;
    }

    @Override
    public String toString() {
        return "array of " + size + " " + elementType;
    }
}
