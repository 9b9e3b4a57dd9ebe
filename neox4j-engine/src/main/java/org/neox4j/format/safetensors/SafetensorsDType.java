package org.neox4j.format.safetensors;

import org.neox4j.tensor.DType;

/**
 * The dtype names of the safetensors format, with their element sizes. Only F32, F16 and BF16
 * map to an engine {@link DType}; the others are known so that a file's layout can be validated
 * (legacy buffers such as a BOOL attention mask) but cannot be used as weights.
 */
enum SafetensorsDType {
    BOOL(1, null), U8(1, null), I8(1, null), F8_E4M3(1, null), F8_E5M2(1, null),
    I16(2, null), U16(2, null), F16(2, DType.F16), BF16(2, DType.BF16),
    I32(4, null), U32(4, null), F32(4, DType.F32),
    I64(8, null), U64(8, null), F64(8, null);

    final int size;
    final DType engineType;

    SafetensorsDType(int size, DType engineType) {
        this.size = size;
        this.engineType = engineType;
    }

    static SafetensorsDType parse(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    static String nameOf(DType type) {
        return switch (type) {
            case F32 -> "F32";
            case F16 -> "F16";
            case BF16 -> "BF16";
            default -> throw new IllegalArgumentException("safetensors cannot store " + type);
        };
    }
}
