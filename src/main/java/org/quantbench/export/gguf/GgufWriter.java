package org.quantbench.export.gguf;

import org.quantbench.export.AtomicFileWriter;
import org.quantbench.model.gguf.GgmlType;
import org.quantbench.model.gguf.GgufArray;
import org.quantbench.model.gguf.GgufKeys;
import org.quantbench.model.gguf.GgufValue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a GGUF v3 file: metadata in the order it was put, tensor infos in the order tensors were added, then each
 * tensor's data padded to 32 bytes. Tensor data is streamed row by row from each {@link GgufTensorSpec}, into a
 * temp file in the target's folder that is renamed over the target only once complete.
 */
public final class GgufWriter {
    public static final int ALIGNMENT = 32;
    private static final int VERSION = 3;

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<GgufTensorSpec> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();

    /** Adds a key; keys are unique, and general.alignment, if given, must be 32. */
    public GgufWriter put(String key, GgufValue value) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("empty metadata key");
        }
        if (GgufKeys.ALIGNMENT.equals(key)
                && !(value.type().isInteger() && (Long) value.value() == ALIGNMENT)) {
            throw new IllegalArgumentException(GgufKeys.ALIGNMENT + " must be " + ALIGNMENT + ", got " + value);
        }
        if (metadata.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("metadata key " + key + " put twice");
        }
        return this;
    }

    public GgufWriter putAll(Map<String, GgufValue> values) {
        values.forEach(this::put);
        return this;
    }

    public GgufWriter add(GgufTensorSpec tensor) {
        if (!tensorNames.add(tensor.name())) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " added twice");
        }
        tensors.add(tensor);
        return this;
    }

    /**
     * Writes the file. On any failure (including one thrown by a row encoder) nothing is left under
     * {@code target} beyond what was there before, and the temp file is removed.
     */
    public void write(Path target) throws IOException {
        AtomicFileWriter.write(target, channel -> {
            LittleEndianOutput out = new LittleEndianOutput(channel);
            writeHeader(out);
            for (GgufTensorSpec tensor : tensors) {
                writeData(out, tensor);
            }
            out.flush();
        });
    }

    private void writeHeader(LittleEndianOutput out) throws IOException {
        out.u32(0x46554747); // "GGUF"
        out.u32(VERSION);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id());
            writeValue(out, e.getValue());
        }
        long offset = 0;
        for (GgufTensorSpec tensor : tensors) {
            out.string(tensor.name());
            out.u32(tensor.shape().size());
            for (long ne : tensor.shape()) {
                out.u64(ne);
            }
            out.u32(GgmlType.id(tensor.dtype()));
            out.u64(offset);
            offset = alignUp(offset + tensor.byteSize());
        }
        out.pad(ALIGNMENT);
    }

    private static void writeValue(LittleEndianOutput out, GgufValue value) throws IOException {
        switch (value.type()) {
            case UINT8, INT8 -> out.u8((int) (long) (Long) value.value());
            case BOOL -> out.u8((Boolean) value.value() ? 1 : 0);
            case UINT16, INT16 -> out.u16((int) (long) (Long) value.value());
            case UINT32, INT32 -> out.u32((Long) value.value());
            case UINT64, INT64 -> out.u64((Long) value.value());
            case FLOAT32 -> out.f32((float) (double) (Double) value.value());
            case FLOAT64 -> out.f64((Double) value.value());
            case STRING -> out.string((String) value.value());
            case ARRAY -> writeArray(out, (GgufArray) value.value());
        }
    }

    private static void writeArray(LittleEndianOutput out, GgufArray array) throws IOException {
        out.u32(array.elementType().id());
        out.u64(array.size());
        for (int i = 0; i < array.size(); i++) {
            switch (array.elementType()) {
                case UINT8, INT8 -> out.u8((int) array.getLong(i));
                case UINT16, INT16 -> out.u16((int) array.getLong(i));
                case UINT32, INT32 -> out.u32(array.getLong(i));
                case UINT64, INT64 -> out.u64(array.getLong(i));
                case FLOAT32 -> out.f32((float) array.getDouble(i));
                case FLOAT64 -> out.f64(array.getDouble(i));
                case BOOL -> out.u8(array.getBool(i) ? 1 : 0);
                case STRING -> out.string(array.getString(i));
                case ARRAY -> writeArray(out, array.getArray(i));
            }
        }
    }

    private static void writeData(LittleEndianOutput out, GgufTensorSpec tensor) throws IOException {
        byte[] row = new byte[(int) tensor.rowBytes()];
        MemorySegment rowSegment = MemorySegment.ofArray(row);
        for (int r = 0; r < tensor.rowCount(); r++) {
            tensor.rows().encode(r, rowSegment);
            out.bytes(row, 0, row.length);
        }
        out.pad(ALIGNMENT);
    }

    private static long alignUp(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
