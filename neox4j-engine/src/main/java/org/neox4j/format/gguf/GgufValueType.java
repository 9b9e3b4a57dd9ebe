package org.neox4j.format.gguf;

/** The metadata value types of GGUF ({@code enum gguf_type}), with their stored sizes. */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    /** uint64 length, then that many UTF-8 bytes (no terminator). */
    STRING(8, -1),
    /** uint32 element type, uint64 count, then the elements. */
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    private final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    public int id() {
        return id;
    }

    /** Bytes of one value, or -1 for the variable-length string and array. */
    public int fixedSize() {
        return size;
    }

    public boolean isInteger() {
        return size > 0 && this != FLOAT32 && this != FLOAT64 && this != BOOL;
    }

    /** The type numbered {@code id}, or null when GGUF has none. */
    public static GgufValueType byId(long id) {
        for (GgufValueType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
