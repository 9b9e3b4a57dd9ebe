package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Encoding of float32 values into every storage dtype, bit-compatible with GGML's reference
 * quantizers ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref} in ggml-quants.c),
 * so that tensors quantized here and by llama.cpp are byte-identical:
 * <ul>
 *   <li>Q8_0: {@code d = amax/127}, {@code id = d ? 1/d : 0}, {@code q = roundf(x·id)}
 *       (half away from zero), scale stored as f16(d).
 *   <li>Q4_0: {@code max} = the element of largest magnitude with its sign (first one on ties),
 *       {@code d = max/-8}, {@code id = d ? 1/d : 0}, {@code q = min(15, (int8)(x·id + 8.5f))},
 *       element j in the low nibble of byte j, element j+16 in its high nibble.
 * </ul>
 * All arithmetic is float32 as in the C code (no fused multiply-add). f16 is IEEE
 * round-to-nearest-even ({@link Float#floatToFloat16}), as GGML_FP32_TO_FP16; bf16 rounds to
 * nearest even as PyTorch does, keeping NaNs quiet.
 */
public final class Quantize {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private Quantize() {
    }

    /** Encodes {@code x[off..off+n)} as {@code type} at {@code dst[dstOff..]}; block types need whole blocks. */
    public static void row(DType type, float[] x, int off, int n, MemorySegment dst, long dstOff) {
        switch (type) {
            case F32 -> MemorySegment.copy(x, off, dst, F32, dstOff, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(I16, dstOff + 2L * i, Float.floatToFloat16(x[off + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(I16, dstOff + 2L * i, toBf16(x[off + i]));
                }
            }
            case Q8_0 -> {
                checkBlocks(type, n);
                for (int b = 0; b < n / 32; b++) {
                    q8_0Block(x, off + 32 * b, dst, dstOff + 34L * b);
                }
            }
            case Q4_0 -> {
                checkBlocks(type, n);
                for (int b = 0; b < n / 32; b++) {
                    q4_0Block(x, off + 32 * b, dst, dstOff + 18L * b);
                }
            }
        }
    }

    private static void checkBlocks(DType type, int n) {
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " encodes whole blocks of " + type.blockSize() + " values, got " + n);
        }
    }

    static void q8_0Block(float[] x, int off, MemorySegment dst, long at) {
        float d = q8_0Scale(x, off);
        float id = d != 0f ? 1.0f / d : 0f;
        dst.set(I16, at, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) roundf(x[off + j] * id));
        }
    }

    /** Q8_0's scale of the 32 values at {@code x[off..]}, before f16 rounding: {@code amax/127}. */
    static float q8_0Scale(float[] x, int off) {
        float amax = 0f;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[off + j]));
        }
        return amax / 127;
    }

    static void q4_0Block(float[] x, int off, MemorySegment dst, long at) {
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < 32; j++) {
            float v = x[off + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0f ? 1.0f / d : 0f;
        dst.set(I16, at, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            float x0 = x[off + j] * id;
            float x1 = x[off + 16 + j] * id;
            int q0 = Math.min(15, (byte) (int) (x0 + 8.5f));
            int q1 = Math.min(15, (byte) (int) (x1 + 8.5f));
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (q0 | (q1 << 4)));
        }
    }

    /** C's roundf: nearest integer, halfway cases away from zero (exact: the sum is done in double). */
    static int roundf(float v) {
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (int) (v < 0 ? -r : r);
    }

    /** float32 to bfloat16 bits, round to nearest even; NaN stays a quiet NaN. */
    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
