package org.quantbench.model.gguf;

/** The value types of GGUF metadata, with their ids in the file and the fewest bytes one value can take. */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    /** u64 length + UTF-8 bytes. */
    STRING(8, 8),
    /** u32 element type + u64 count + elements. */
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    public int id() { return id; }

    /** Bytes of the smallest encoded value: a fixed size for numbers, the length/header alone otherwise. */
    public int minBytes() { return minBytes; }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public boolean isFloat() { return this == FLOAT32 || this == FLOAT64; }

    /** The type with this id, or null when the id is not a GGUF value type. */
    static GgufValueType byId(long id) {
        for (GgufValueType type : BY_ID) {
            if (type.id == id) {
                return type;
            }
        }
        return null;
    }

    /** Whether {@code value} (raw 64-bit two's complement for UINT64) lies in this integer type's range. */
    boolean holds(long value) {
        return switch (this) {
            case UINT8 -> value >= 0 && value <= 0xFF;
            case INT8 -> value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
            case UINT16 -> value >= 0 && value <= 0xFFFF;
            case INT16 -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE;
            case UINT32 -> value >= 0 && value <= 0xFFFF_FFFFL;
            case INT32 -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
            case UINT64, INT64 -> true;
            default -> false;
        };
    }
}
