package org.neox4j.tensor;

/**
 * Storage types of weights. Block types (GGML's Q8_0, Q4_0) store {@code blockSize} elements in
 * {@code blockBytes} bytes; plain types are blocks of one element.
 */
public enum DType {
    F32(1, 4),
    F16(1, 2),
    BF16(1, 2),
    /** 32 int8 values and one float16 scale (GGML block_q8_0). */
    Q8_0(32, 34),
    /** 32 4-bit values (offset 8) and one float16 scale (GGML block_q4_0). */
    Q4_0(32, 18);

    private final int blockSize;
    private final int blockBytes;

    DType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Bytes that {@code elements} values occupy; {@code elements} must be a whole number of blocks. */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " stores blocks of " + blockSize + " values; " + elements + " is not a multiple");
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** The lower-case name used on the command line and in files ({@code q8_0}, {@code f16}, ...). */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a command-line name such as {@code f16} or {@code Q4_0}. */
    public static DType parse(String name) {
        for (DType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "' (expected one of f32, f16, bf16, q8_0, q4_0)");
    }
}
