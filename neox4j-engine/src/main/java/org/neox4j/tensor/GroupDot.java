package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The decode kernel for row-grouped Q4_0 matrices ({@link RowGroups}): 16 rows at once, one
 * row per 16-bit lane, with the activations quantized to 8 bits per 32-value block as GGML's
 * Q8_0 ({@link #quantize}), exactly what llama.cpp's {@code ggml_vec_dot_q4_0_q8_0} computes:
 * {@code Σ_blocks d_w·d_x·Σ_i (q_w,i - 8)·q_x,i} with the inner sum in integers.
 *
 * <p>Why integers: a Q4_0 row is 18 bytes per 32 weights, so decoding at the memory bandwidth
 * needs more than 10 weights per cycle per core, and widening nibbles to floats costs about
 * four vector operations per 8 weights. Here one 128-bit load and one widening give 32 nibbles
 * of 16 rows; a mask and a shift split them, and each multiply-add covers 16 weights in 16-bit
 * lanes: 9 operations per 32 weights. The low nibbles are used unsigned (0..15, see
 * {@link RowGroups}) and {@code 8·Σx} of the block's first half is subtracted once; the sum
 * wraps modulo 2^16 on the way, but its true value {@code Σ(q-8)·x} lies within
 * ±32·8·127 = ±32512, so the wrapped 16-bit result is exact. It is widened and scaled once per
 * block. 256-bit vectors: on this machine (AMD, 512-bit operations double-pumped) they ran
 * faster than 512-bit ones.
 */
public final class GroupDot {
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    /** Whether this JVM compiles 256-bit integer vectors to hardware (AVX2 or wider); otherwise grouping would be slower. */
    public static final boolean AVAILABLE = ShortVector.SPECIES_PREFERRED.vectorBitSize() >= 256;

    private GroupDot() {
    }

    /**
     * GGML's {@code quantize_row_q8_0} of {@code x[off..off+n)} ({@code n} whole blocks): values
     * into {@code xq[off..]}, the f16-rounded scale of block b into {@code dx[off/32 + b]}, and
     * {@code 8·Σ} of the block's first 16 values into {@code xc[off/32 + b]} (the kernel's offset).
     */
    public static void quantize(float[] x, int off, int n, short[] xq, float[] dx, short[] xc) {
        for (int b = 0; b < n / 32; b++) {
            int at = off + 32 * b;
            float d = Quantize.q8_0Scale(x, at);
            float id = d != 0f ? 1.0f / d : 0f;
            dx[at / 32] = Float.float16ToFloat(Float.floatToFloat16(d));
            int low = 0;
            for (int j = 0; j < 32; j++) {
                int q = Quantize.roundf(x[at + j] * id);
                xq[at + j] = (short) q;
                low += j < 16 ? q : 0;
            }
            xc[at / 32] = (short) (8 * low);
        }
    }

    /**
     * {@code y[yOff + k] = row(k)·x} for the 16 rows of the group at byte {@code at}, over
     * {@code cols} columns; {@code x} quantized at {@code xq[xOff..]}, {@code dx[xOff/32..]}.
     */
    static void group(MemorySegment seg, long at, int cols, short[] xq, float[] dx, short[] xc, int xOff, float[] y, int yOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int blocks = cols / 32;
        int dOff = xOff / 32;
        for (int b = 0; b < blocks; b++, at += RowGroups.GROUP_BLOCK_BYTES) {
            // two accumulators: one chain of dependent adds per block held the loop back (10% slower)
            ShortVector low = ShortVector.zero(S);
            ShortVector high = low;
            int xo = xOff + 32 * b;
            for (int i = 0; i < 16; i++) {
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B, seg, at + 32 + 16 * i, LE)
                        .convertShape(VectorOperators.B2S, S, 0);
                // low nibble: element i (unsigned), high nibble: element i + 16 (minus 8), see RowGroups
                low = low.add(q.and((short) 0x0F).mul(xq[xo + i]));
                high = high.add(q.lanewise(VectorOperators.ASHR, 4).mul(xq[xo + 16 + i]));
            }
            ShortVector sum = low.add(high).sub(xc[dOff + b]);
            ShortVector scales = ShortVector.fromMemorySegment(S, seg, at, LE);
            float d = dx[dOff + b];
            acc0 = scaled(sum, scales, 0, d, acc0);
            acc1 = scaled(sum, scales, 1, d, acc1);
        }
        acc0.intoArray(y, yOff);
        acc1.intoArray(y, yOff + 8);
    }

    /** {@code acc + sum·d_w·d_x} for lanes {@code 8·part..8·part+7}; the f16 scales are finite (checked when grouping). */
    private static FloatVector scaled(ShortVector sum, ShortVector scales, int part, float dx, FloatVector acc) {
        FloatVector s = (FloatVector) ((IntVector) sum.convertShape(VectorOperators.S2I, I, part)).convert(VectorOperators.I2F, 0);
        return s.fma(RowGroups.scales(scales, part).mul(dx), acc);
    }

    /** One row in GGML's layout (a group's leftover rows) with the same quantized activations. */
    static float plainRow(MemorySegment seg, long at, int cols, short[] xq, float[] dx, int xOff) {
        float sum = 0f;
        for (int b = 0; b < cols / 32; b++, at += 18) {
            int s = 0;
            int xo = xOff + 32 * b;
            for (int i = 0; i < 16; i++) {
                int q = seg.get(ValueLayout.JAVA_BYTE, at + 2 + i) & 0xFF;
                s += ((q & 0x0F) - 8) * xq[xo + i] + ((q >>> 4) - 8) * xq[xo + 16 + i];
            }
            sum += s * (Float.float16ToFloat(seg.get(I16, at)) * dx[xOff / 32 + b]);
        }
        return sum;
    }
}
