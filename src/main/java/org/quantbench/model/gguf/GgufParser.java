package org.quantbench.model.gguf;

import org.quantbench.tensor.BoundedReader;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.MappedFile;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates a GGUF v2/v3 header from a mapped file. Every count is checked against the bytes left in the
 * file and against a heap budget before anything is allocated, so a hostile file fails fast with a
 * {@link FileFormatException} instead of exhausting memory.
 */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 4;
    static final long MAX_STRING_BYTES = 16L << 20;
    static final long MAX_KEY_BYTES = 1L << 16;
    static final long MAX_TENSOR_NAME_BYTES = 1L << 12;
    static final int MAX_ARRAY_DEPTH = 4;
    /** Heap the header (metadata and tensor infos) may take; real tokenizers need tens of MiB at most. */
    static final long HEADER_HEAP_BUDGET = 256L << 20;
    /** Rough heap cost of one String beyond its characters, charged against the budget. */
    private static final long STRING_OVERHEAD = 48;
    private static final long ARRAY_OVERHEAD = 64;
    /** Rough heap cost of a metadata entry (map node, value, boxed number) beyond its key's characters. */
    private static final long ENTRY_OVERHEAD = 96;
    /** Rough heap cost of a tensor info (record, shape list, map and set nodes) beyond its name. */
    private static final long TENSOR_INFO_OVERHEAD = 256;
    /** Smallest tensor info: name length, 1 dim, type, offset. */
    private static final long MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
    /** Smallest key/value pair: key length, type, one byte of value. */
    private static final long MIN_KV_BYTES = 8 + 4 + 1;

    private static final ValueLayout I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MappedFile file;
    private final Path path;
    private final BoundedReader in;
    private long heapLeft = HEADER_HEAP_BUDGET;

    private GgufParser(MappedFile file) {
        this.file = file;
        this.path = file.path();
        this.in = file.reader(0);
    }

    static GgufHeader parse(MappedFile file) {
        return new GgufParser(file).header();
    }

    private GgufHeader header() {
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw new FileFormatException(path, "magic", String.format(
                    "is not a GGUF file (expected bytes 'GGUF', found 0x%08X)", Integer.reverseBytes(magic)));
        }
        int version = readVersion();
        long tensorCount = in.i64("tensor count");
        long kvCount = in.i64("metadata count");
        fits("metadata count", kvCount, MIN_KV_BYTES);
        fits("tensor count", tensorCount, MIN_TENSOR_INFO_BYTES);

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            charge(ENTRY_OVERHEAD, "metadata key #" + i);
            String key = readString("metadata key #" + i, MAX_KEY_BYTES);
            long typeId = in.u32(key + " (type)");
            GgufValueType type = valueType(typeId, key);
            GgufValue value = readValue(type, key, 0);
            if (metadata.putIfAbsent(key, value) != null) {
                throw new FileFormatException(path, key, "metadata key appears twice");
            }
        }
        int alignment = alignment(metadata.get(GgufKeys.ALIGNMENT));

        fits("tensor count", tensorCount, MIN_TENSOR_INFO_BYTES);
        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 4096));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            GgufTensorInfo info = readTensorInfo(i, alignment);
            if (!names.add(info.name())) {
                throw new FileFormatException(path, "tensor " + info.name(), "appears twice in the tensor list");
            }
            tensors.add(info);
        }
        long dataOffset = alignUp(in.position(), alignment);
        for (GgufTensorInfo info : tensors) {
            checkData(info, dataOffset);
        }
        return new GgufHeader(version, Collections.unmodifiableMap(metadata), List.copyOf(tensors), alignment,
                dataOffset);
    }

    /** A count of entries of at least {@code minBytes} each must fit in what is left of the file. */
    private void fits(String field, long count, long minBytes) {
        if (count < 0 || count > in.remaining() / minBytes) {
            throw new FileFormatException(path, field, Long.toUnsignedString(count) + " entries of at least " + minBytes
                    + " bytes each cannot fit in the " + in.remaining() + " bytes left in the file");
        }
    }

    private int readVersion() {
        int version = in.i32("version");
        if (version == 2 || version == 3) {
            return version;
        }
        if (version == 1) {
            throw new FileFormatException(path, "version", "GGUF v1 (2023 pre-release format) is not supported;"
                    + " re-convert the model with a current llama.cpp (v2 and v3 are read)");
        }
        if (version != 0 && (version & 0xFFFF) == 0) {
            throw new FileFormatException(path, "version", "is byte-swapped: big-endian GGUF files are not supported");
        }
        throw new FileFormatException(path, "version", "GGUF version " + Integer.toUnsignedString(version)
                + " is not supported (v2 and v3 are read)");
    }

    private GgufValueType valueType(long id, String field) {
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw new FileFormatException(path, field, "unknown metadata value type " + id);
        }
        return type;
    }

    private GgufValue readValue(GgufValueType type, String field, int depth) {
        return switch (type) {
            case UINT8 -> new GgufValue(type, (long) in.u8(field));
            case INT8 -> new GgufValue(type, (long) (byte) in.u8(field));
            case UINT16 -> new GgufValue(type, in.i16(field) & 0xFFFFL);
            case INT16 -> new GgufValue(type, (long) in.i16(field));
            case UINT32 -> new GgufValue(type, in.u32(field));
            case INT32 -> new GgufValue(type, (long) in.i32(field));
            case UINT64, INT64 -> new GgufValue(type, in.i64(field));
            case FLOAT32 -> new GgufValue(type, (double) in.f32(field));
            case FLOAT64 -> new GgufValue(type, in.f64(field));
            case BOOL -> new GgufValue(type, bool(in.u8(field), field));
            case STRING -> new GgufValue(type, readString(field, MAX_STRING_BYTES));
            case ARRAY -> new GgufValue(type, readArray(field, depth + 1));
        };
    }

    private boolean bool(int raw, String field) {
        if (raw > 1) {
            throw new FileFormatException(path, field, "bool byte is " + raw + ", not 0 or 1");
        }
        return raw == 1;
    }

    private String readString(String field, long maxBytes) {
        charge(STRING_OVERHEAD, field);
        return readStringBody(field, maxBytes);
    }

    /** A string whose fixed heap cost the caller has already charged. */
    private String readStringBody(String field, long maxBytes) {
        long length = in.i64(field + " (string length)");
        if (length < 0 || length > maxBytes) {
            throw new FileFormatException(path, field, "string length " + Long.toUnsignedString(length)
                    + " exceeds the limit of " + maxBytes + " bytes");
        }
        charge(2 * length, field);
        return in.utf8(length, field);
    }

    private GgufArray readArray(String field, int depth) {
        charge(ARRAY_OVERHEAD, field);
        return readArrayBody(field, depth);
    }

    /** An array whose fixed heap cost the caller has already charged. */
    private GgufArray readArrayBody(String field, int depth) {
        if (depth > MAX_ARRAY_DEPTH) {
            throw new FileFormatException(path, field, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
        }
        GgufValueType type = valueType(in.u32(field + " (array type)"), field + " (array type)");
        long count = in.i64(field + " (array length)");
        long fits = in.remaining() / type.minBytes();
        if (count < 0 || count > fits) {
            throw new FileFormatException(path, field, "array of " + Long.toUnsignedString(count) + " " + type
                    + " elements cannot fit in the " + in.remaining() + " bytes left in the file");
        }
        // Charged before allocating: the least every element will take (a reference plus an empty string or
        // array); string characters and nested elements are charged as they are read.
        long elementHeap = switch (type) {
            case STRING -> 8 + STRING_OVERHEAD;
            case ARRAY -> 8 + ARRAY_OVERHEAD;
            default -> type.minBytes();
        };
        if (count > heapLeft / elementHeap) {
            throw overBudget(field);
        }
        charge(count * elementHeap, field);
        int n = (int) count; // the budget keeps it far below 2^31
        return switch (type) {
            case STRING -> {
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    values[i] = readStringBody(field, MAX_STRING_BYTES);
                }
                yield new GgufArray(type, values, n);
            }
            case ARRAY -> {
                GgufArray[] values = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    values[i] = readArrayBody(field, depth + 1);
                }
                yield new GgufArray(type, values, n);
            }
            case BOOL -> {
                byte[] raw = (byte[]) bulk(ValueLayout.JAVA_BYTE, n, field);
                boolean[] values = new boolean[n];
                for (int i = 0; i < n; i++) {
                    values[i] = bool(raw[i] & 0xFF, field);
                }
                yield new GgufArray(type, values, n);
            }
            case UINT8, INT8 -> new GgufArray(type, bulk(ValueLayout.JAVA_BYTE, n, field), n);
            case UINT16, INT16 -> new GgufArray(type, bulk(I16, n, field), n);
            case UINT32, INT32 -> new GgufArray(type, bulk(I32, n, field), n);
            case UINT64, INT64 -> new GgufArray(type, bulk(I64, n, field), n);
            case FLOAT32 -> new GgufArray(type, bulk(F32, n, field), n);
            case FLOAT64 -> new GgufArray(type, bulk(F64, n, field), n);
        };
    }

    /** Copies n fixed-size little-endian elements into a new Java array of the layout's carrier type. */
    private Object bulk(ValueLayout layout, int n, String field) {
        long at = in.position();
        in.skip(layout.byteSize() * n, field);
        MemorySegment source = file.segment().asSlice(at, layout.byteSize() * n);
        return switch (layout) {
            case ValueLayout.OfByte l -> source.toArray(l);
            case ValueLayout.OfShort l -> source.toArray(l);
            case ValueLayout.OfInt l -> source.toArray(l);
            case ValueLayout.OfLong l -> source.toArray(l);
            case ValueLayout.OfFloat l -> source.toArray(l);
            case ValueLayout.OfDouble l -> source.toArray(l);
            default -> throw new IllegalArgumentException(layout.toString());
        };
    }

    private void charge(long bytes, String field) {
        if (bytes > heapLeft) {
            throw overBudget(field);
        }
        heapLeft -= bytes;
    }

    private FileFormatException overBudget(String field) {
        return new FileFormatException(path, field, "the header would take more than "
                + (HEADER_HEAP_BUDGET >> 20) + " MiB of memory");
    }

    private int alignment(GgufValue value) {
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!value.type().isInteger()) {
            throw new FileFormatException(path, GgufKeys.ALIGNMENT, "is a " + value.type() + ", not an integer");
        }
        long a = (Long) value.value();
        if (a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
            throw new FileFormatException(path, GgufKeys.ALIGNMENT, "is " + a + ", not a power of two up to 2^30");
        }
        return (int) a;
    }

    private GgufTensorInfo readTensorInfo(long index, int alignment) {
        charge(TENSOR_INFO_OVERHEAD, "tensor #" + index);
        String name = readString("tensor #" + index + " name", MAX_TENSOR_NAME_BYTES);
        String field = "tensor " + name;
        long nDims = in.u32(field + " n_dims");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw new FileFormatException(path, field, "has " + nDims + " dimensions; GGUF allows 1 to " + MAX_DIMS);
        }
        List<Long> shape = new ArrayList<>((int) nDims);
        long nonZeroProduct = 1; // bounds every partial product (rows, elements) even when some ne is 0
        for (int d = 0; d < nDims; d++) {
            long ne = in.i64(field + " ne[" + d + "]");
            if (ne < 0) {
                throw new FileFormatException(path, field, "ne[" + d + "] = " + Long.toUnsignedString(ne) + " is out of range");
            }
            try {
                nonZeroProduct = Math.multiplyExact(nonZeroProduct, Math.max(ne, 1));
            } catch (ArithmeticException e) {
                throw new FileFormatException(path, field, "element count overflows 64 bits");
            }
            shape.add(ne);
        }
        long typeId = in.u32(field + " type");
        long offset = in.i64(field + " offset");
        if (offset < 0 || offset % alignment != 0) {
            throw new FileFormatException(path, field, "data offset " + Long.toUnsignedString(offset)
                    + " is not a non-negative multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, shape, typeId, offset);
    }

    /** For decodable tensors: whole blocks per row, row and column counts that fit an int, data inside the file. */
    private void checkData(GgufTensorInfo info, long dataOffset) {
        Optional<DType> dtype = info.dtype();
        if (dtype.isEmpty()) {
            return; // reported when the tensor is used; listing the file still works
        }
        String field = "tensor " + info.name();
        DType type = dtype.get();
        long cols = info.cols();
        long rows = info.rows();
        if (cols % type.blockSize() != 0) {
            throw new FileFormatException(path, field, "row length " + cols + " is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        if (cols > Integer.MAX_VALUE || rows > Integer.MAX_VALUE) {
            throw new FileFormatException(path, field, rows + " x " + cols + " exceeds 2^31-1 rows or columns");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(rows, type.bytesFor(cols));
        } catch (ArithmeticException e) {
            throw new FileFormatException(path, field, "byte size overflows 64 bits");
        }
        long size = file.size();
        if (dataOffset > size || info.offset() > size - dataOffset || bytes > size - dataOffset - info.offset()) {
            throw new FileFormatException(path, field, "data [" + info.offset() + ", +" + bytes
                    + ") lies outside the file (data section at " + dataOffset + ", file " + size + " bytes)");
        }
    }

    private static long alignUp(long position, int alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }
}
