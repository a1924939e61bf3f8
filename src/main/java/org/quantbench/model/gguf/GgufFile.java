package org.quantbench.model.gguf;

import org.quantbench.model.tokenizer.VocabularyData;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.MappedFile;
import org.quantbench.tensor.WeightTensor;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (v2 or v3) mapped read-only: its metadata with typed accessors, its tensor list, and its tensors as
 * {@link WeightTensor}s over the mapping. The header is fully validated at {@link #open}: tensors of decodable types
 * lie inside the file; a tensor of a type QuantBench cannot decode is listed and fails only when it is read.
 * Accessor errors are {@link FileFormatException}s naming the file and the key or tensor.
 */
public final class GgufFile implements AutoCloseable {
    private final MappedFile mapped;
    private final GgufHeader header;
    private final Map<String, GgufTensorInfo> tensorsByName;

    private GgufFile(MappedFile mapped, GgufHeader header) {
        this.mapped = mapped;
        this.header = header;
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo info : header.tensors()) {
            byName.put(info.name(), info);
        }
        this.tensorsByName = byName;
    }

    public static GgufFile open(Path path) {
        MappedFile mapped;
        try {
            mapped = MappedFile.open(path);
        } catch (UncheckedIOException e) {
            throw new FileFormatException(path, "file", "cannot be read: " + e.getCause().getMessage(), e);
        }
        try {
            return new GgufFile(mapped, GgufParser.parse(mapped));
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    public Path path() { return mapped.path(); }

    public long fileSize() { return mapped.size(); }

    public int version() { return header.version(); }

    public int alignment() { return header.alignment(); }

    /** Byte offset of the data section, to which tensor offsets are relative. */
    public long dataOffset() { return header.dataOffset(); }

    /** All key/value pairs in file order (unmodifiable). */
    public Map<String, GgufValue> metadata() { return header.metadata(); }

    public boolean has(String key) { return header.metadata().containsKey(key); }

    public String getString(String key) {
        return (String) require(key, GgufValueType.STRING).value();
    }

    public String getString(String key, String defaultValue) {
        return has(key) ? getString(key) : defaultValue;
    }

    /** Any integer type whose value fits an int. */
    public int getInt(String key) {
        long v = integer(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error(key, "value " + v + " does not fit a 32-bit int");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) {
        return has(key) ? getInt(key) : defaultValue;
    }

    /** Any integer type; a UINT64 above 2^63-1 is an error. */
    public long getLong(String key) {
        return integer(key);
    }

    public long getLong(String key, long defaultValue) {
        return has(key) ? getLong(key) : defaultValue;
    }

    /** FLOAT32, FLOAT64 (narrowed) or an integer. */
    public float getFloat(String key) {
        GgufValue v = require(key, null);
        if (v.type().isFloat()) {
            return (float) (double) (Double) v.value();
        }
        if (v.type().isInteger()) {
            return integer(key);
        }
        throw error(key, "is a " + v.type() + ", expected a number");
    }

    public float getFloat(String key, float defaultValue) {
        return has(key) ? getFloat(key) : defaultValue;
    }

    public boolean getBool(String key) {
        return (Boolean) require(key, GgufValueType.BOOL).value();
    }

    public boolean getBool(String key, boolean defaultValue) {
        return has(key) ? getBool(key) : defaultValue;
    }

    public GgufArray getArray(String key) {
        return (GgufArray) require(key, GgufValueType.ARRAY).value();
    }

    public List<String> getStringArray(String key) {
        GgufArray array = getArray(key);
        if (array.elementType() != GgufValueType.STRING) {
            throw error(key, "is an array of " + array.elementType() + ", expected strings");
        }
        return array.strings();
    }

    /** An array of FLOAT32 or FLOAT64 (narrowed). */
    public float[] getFloatArray(String key) {
        GgufArray array = getArray(key);
        if (!array.elementType().isFloat()) {
            throw error(key, "is an array of " + array.elementType() + ", expected floats");
        }
        return array.toFloatArray();
    }

    /** An array of any integer type whose values all fit an int. */
    public int[] getIntArray(String key) {
        GgufArray array = getArray(key);
        if (!array.elementType().isInteger()) {
            throw error(key, "is an array of " + array.elementType() + ", expected integers");
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            long v = array.getLong(i);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE
                    || (array.elementType() == GgufValueType.UINT64 && v < 0)) {
                throw error(key, "element " + i + " = " + Long.toUnsignedString(v) + " does not fit a 32-bit int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** Tensor descriptions in file order. */
    public List<GgufTensorInfo> tensorInfos() { return header.tensors(); }

    public boolean hasTensor(String name) { return tensorsByName.containsKey(name); }

    public GgufTensorInfo tensorInfo(String name) {
        GgufTensorInfo info = tensorsByName.get(name);
        if (info == null) {
            throw new FileFormatException(path(), "tensor " + name, "is not in the file");
        }
        return info;
    }

    /**
     * The tensor as rows of ne[0] values (rows = ne[1] * ne[2] * ..., 1 for a 1-D tensor), backed by the mapping:
     * valid until {@link #close}.
     */
    public WeightTensor tensor(String name) {
        GgufTensorInfo info = tensorInfo(name);
        DType dtype = info.dtype().orElseThrow(() -> new FileFormatException(path(), "tensor " + name,
                "has type " + GgmlType.describe(info.typeId()) + ", which QuantBench cannot decode"
                        + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K)"));
        int rows = (int) info.rows();
        int cols = (int) info.cols();
        long bytes = rows * dtype.bytesFor(cols);
        return new WeightTensor(name, dtype, rows, cols,
                mapped.slice(dataOffset() + info.offset(), bytes, "tensor " + name + " data"));
    }

    /** Whether the metadata carries a tokenizer ({@code tokenizer.ggml.model} and its tokens). */
    public boolean hasVocabulary() {
        return has(GgufKeys.TOKENIZER_MODEL) && has(GgufKeys.TOKENS);
    }

    /** The tokenizer metadata; a {@link FileFormatException} when {@link #hasVocabulary()} is false. */
    public VocabularyData vocabulary() {
        return GgufVocabulary.read(this);
    }

    @Override
    public void close() {
        mapped.close();
    }

    FileFormatException error(String key, String reason) {
        return new FileFormatException(path(), key, reason);
    }

    private GgufValue require(String key, GgufValueType type) {
        GgufValue v = header.metadata().get(key);
        if (v == null) {
            throw error(key, "metadata key is missing");
        }
        if (type != null && v.type() != type) {
            throw error(key, "is a " + v.type() + ", expected " + type);
        }
        return v;
    }

    private long integer(String key) {
        GgufValue v = require(key, null);
        if (!v.type().isInteger()) {
            throw error(key, "is a " + v.type() + ", expected an integer");
        }
        long value = (Long) v.value();
        if (v.type() == GgufValueType.UINT64 && value < 0) {
            throw error(key, "value " + Long.toUnsignedString(value) + " is too large");
        }
        return value;
    }
}
