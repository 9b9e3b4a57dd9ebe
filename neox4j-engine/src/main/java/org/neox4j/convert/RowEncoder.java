package org.neox4j.convert;

import java.nio.ByteBuffer;
import org.neox4j.tensor.DType;

/**
 * Encodes float32 values into a storage dtype, little-endian, with the rounding the reference
 * writers use: float16 and bfloat16 round to nearest even (as PyTorch's {@code Tensor.to}).
 * The block formats Q8_0 and Q4_0 are encoded by the kernels' GGML-exact quantizer.
 */
final class RowEncoder {
    private RowEncoder() {
    }

    /** Appends {@code count} values of {@code src[offset..]} to {@code dst} as {@code type}. */
    static void encode(DType type, float[] src, int offset, int count, ByteBuffer dst) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putFloat(src[offset + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putShort(Float.floatToFloat16(src[offset + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putShort(bf16(src[offset + i]));
                }
            }
            case Q8_0, Q4_0 -> Quantizer.quantize(type, src, offset, count, dst);
        }
    }

    /** float32 → bfloat16, round to nearest even; NaN stays NaN. */
    static short bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
