package org.quantbench.export.gguf;

import org.quantbench.tensor.DType;
import org.quantbench.tensor.GgmlQuantizers;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A tensor for {@link GgufWriter}: its name, ggml shape ne[] (ne[0] = row length), stored dtype, and a callback
 * that encodes one row at a time, so a writer never holds more than a row of any tensor.
 */
public record GgufTensorSpec(String name, List<Long> shape, DType dtype, RowEncoder rows) {

    /** Writes row {@code row} of the tensor, already in the stored dtype, into {@code dst} (exactly one row long). */
    @FunctionalInterface
    public interface RowEncoder {
        void encode(int row, MemorySegment dst);
    }

    /** Fills {@code dst} (one row of floats) with row {@code row}. */
    @FunctionalInterface
    public interface FloatRows {
        void row(int row, float[] dst);
    }

    public GgufTensorSpec {
        shape = List.copyOf(shape);
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            throw new IllegalArgumentException("tensor name '" + name + "' must be 1 to 63 UTF-8 bytes (llama.cpp's limit)");
        }
        if (shape.isEmpty() || shape.size() > 4) {
            throw new IllegalArgumentException(name + ": GGUF tensors have 1 to 4 dimensions, got " + shape);
        }
        long product = 1;
        for (long ne : shape) {
            if (ne <= 0) {
                throw new IllegalArgumentException(name + ": dimensions must be positive, got " + shape);
            }
            product = Math.multiplyExact(product, ne);
        }
        if (shape.getFirst() % dtype.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": row length " + shape.getFirst() + " is not a multiple of the "
                    + dtype + " block size " + dtype.blockSize());
        }
        if (shape.getFirst() > Integer.MAX_VALUE || product / shape.getFirst() > Integer.MAX_VALUE
                || dtype.bytesFor(shape.getFirst()) > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(name + ": shape " + shape + " has too many rows or too long a row");
        }
    }

    /**
     * Float rows stored as F32, F16, BF16 (round to nearest even) or quantized to Q8_0/Q4_0/Q4_1 with llama.cpp's
     * reference rounding.
     */
    public static GgufTensorSpec fromFloatRows(String name, DType dtype, FloatRows source, long... shape) {
        List<Long> dims = dims(shape);
        int cols = Math.toIntExact(dims.getFirst());
        RowEncoder encoder = switch (dtype) {
            case F32 -> (row, dst) -> {
                float[] values = new float[cols];
                source.row(row, values);
                MemorySegment.copy(values, 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, cols);
            };
            case F16 -> (row, dst) -> {
                float[] values = new float[cols];
                source.row(row, values);
                for (int i = 0; i < cols; i++) {
                    dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, Float.floatToFloat16(values[i]));
                }
            };
            case BF16 -> (row, dst) -> {
                float[] values = new float[cols];
                source.row(row, values);
                for (int i = 0; i < cols; i++) {
                    dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, RowDecoders.floatToBf16(values[i]));
                }
            };
            case Q8_0, Q4_0, Q4_1 -> (row, dst) -> {
                float[] values = new float[cols];
                source.row(row, values);
                switch (dtype) {
                    case Q8_0 -> GgmlQuantizers.quantizeQ8_0(values, 0, cols, dst, 0);
                    case Q4_0 -> GgmlQuantizers.quantizeQ4_0(values, 0, cols, dst, 0);
                    default -> GgmlQuantizers.quantizeQ4_1(values, 0, cols, dst, 0);
                }
            };
            default -> throw new IllegalArgumentException(name + ": cannot quantize floats to " + dtype
                    + "; pass encoded rows instead");
        };
        return new GgufTensorSpec(name, dims, dtype, encoder);
    }

    /** Rows already encoded in {@code dtype} (for example blocks from {@link GgmlQuantizers}). */
    public static GgufTensorSpec fromEncodedRows(String name, DType dtype, RowEncoder rows, long... shape) {
        return new GgufTensorSpec(name, dims(shape), dtype, rows);
    }

    /** The stored bytes of an opened tensor, unchanged; {@code shape} defaults to [cols, rows] ([cols] for one row). */
    public static GgufTensorSpec copyOf(WeightTensor tensor, long... shape) {
        long[] dims = shape.length > 0 ? shape
                : tensor.rows() == 1 ? new long[] {tensor.cols()} : new long[] {tensor.cols(), tensor.rows()};
        if (dims[0] != tensor.cols() || java.util.Arrays.stream(dims).reduce(1, Math::multiplyExact) != tensor.elements()) {
            throw new IllegalArgumentException(tensor.name() + ": shape " + java.util.Arrays.toString(dims)
                    + " does not fit " + tensor.rows() + " rows of " + tensor.cols());
        }
        long rowBytes = tensor.rowBytes();
        return new GgufTensorSpec(tensor.name(), dims(dims), tensor.dtype(),
                (row, dst) -> MemorySegment.copy(tensor.data(), row * rowBytes, dst, 0, rowBytes));
    }

    /** ne[1] * ne[2] * ...: the number of rows the encoder is called for. */
    public int rowCount() {
        long n = 1;
        for (int i = 1; i < shape.size(); i++) {
            n *= shape.get(i);
        }
        return (int) n;
    }

    public long rowBytes() { return dtype.bytesFor(shape.getFirst()); }

    public long byteSize() { return rowBytes() * rowCount(); }

    private static List<Long> dims(long[] shape) {
        return java.util.Arrays.stream(shape).boxed().toList();
    }
}
