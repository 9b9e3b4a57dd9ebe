package org.neox4j.format.gguf;

import org.neox4j.tensor.DType;

/**
 * GGML tensor types as numbered in {@code ggml.h} ({@code enum ggml_type}). neox4j computes with
 * F32, F16, BF16, Q8_0 and Q4_0; the other types are known by name so that a file using them gets
 * a clear "not supported" error instead of "unknown type".
 */
public enum GgmlType {
    F32(0, 1, 4, DType.F32),
    F16(1, 1, 2, DType.F16),
    Q4_0(2, 32, 18, DType.Q4_0),
    Q4_1(3, 32, 20, null),
    Q5_0(6, 32, 22, null),
    Q5_1(7, 32, 24, null),
    Q8_0(8, 32, 34, DType.Q8_0),
    Q8_1(9, 32, 36, null),
    Q2_K(10, 256, 84, null),
    Q3_K(11, 256, 110, null),
    Q4_K(12, 256, 144, null),
    Q5_K(13, 256, 176, null),
    Q6_K(14, 256, 210, null),
    Q8_K(15, 256, 292, null),
    IQ2_XXS(16, 256, 66, null),
    IQ2_XS(17, 256, 74, null),
    IQ3_XXS(18, 256, 98, null),
    IQ1_S(19, 256, 50, null),
    IQ4_NL(20, 32, 18, null),
    IQ3_S(21, 256, 110, null),
    IQ2_S(22, 256, 82, null),
    IQ4_XS(23, 256, 136, null),
    I8(24, 1, 1, null),
    I16(25, 1, 2, null),
    I32(26, 1, 4, null),
    I64(27, 1, 8, null),
    F64(28, 1, 8, null),
    IQ1_M(29, 256, 56, null),
    BF16(30, 1, 2, DType.BF16),
    TQ1_0(34, 256, 54, null),
    TQ2_0(35, 256, 66, null);

    private final int id;
    private final int blockSize;
    private final int blockBytes;
    private final DType engineType;

    GgmlType(int id, int blockSize, int blockBytes, DType engineType) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.engineType = engineType;
    }

    /** The number GGUF files store. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** The engine's dtype, or null when neox4j cannot compute with this type. */
    public DType engineType() {
        return engineType;
    }

    /** The type with GGUF number {@code id}, or null when GGML has none (or a removed one). */
    public static GgmlType byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** The GGML type of an engine dtype. */
    public static GgmlType of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            case Q8_0 -> Q8_0;
            case Q4_0 -> Q4_0;
        };
    }
}
