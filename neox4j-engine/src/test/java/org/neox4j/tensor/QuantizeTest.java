package org.neox4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Q8_0 / Q4_0 encoding against a straightforward transcription of GGML's reference quantizers
 * (ggml-quants.c {@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}), written here
 * independently of {@link Quantize}: byte-for-byte equality on random data with awkward cases
 * (exact .5 ties, all-zero blocks, negative extremes, repeated maxima), then round trips
 * through {@link Dequantize} within the format's error bound.
 */
class QuantizeTest {

    /** GGML: d = amax/127; id = d ? 1/d : 0; y.d = fp16(d); qs[j] = roundf(x[j]*id). */
    static byte[] referenceQ8_0(float[] x) {
        byte[] out = new byte[x.length / 32 * 34];
        for (int i = 0; i < x.length / 32; i++) {
            float amax = 0.0f;
            for (int j = 0; j < 32; j++) {
                float v = x[i * 32 + j];
                amax = amax > Math.abs(v) ? amax : Math.abs(v);
            }
            float d = amax / ((1 << 7) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            short h = Float.floatToFloat16(d);
            out[i * 34] = (byte) h;
            out[i * 34 + 1] = (byte) (h >> 8);
            for (int j = 0; j < 32; j++) {
                float x0 = x[i * 32 + j] * id;
                out[i * 34 + 2 + j] = (byte) cRoundf(x0);
            }
        }
        return out;
    }

    /** GGML: max = signed value of largest |x|; d = max/-8; id = d ? 1/d : 0; q = MIN(15, (int8_t)(x*id + 8.5f)). */
    static byte[] referenceQ4_0(float[] x) {
        byte[] out = new byte[x.length / 32 * 18];
        for (int i = 0; i < x.length / 32; i++) {
            float amax = 0.0f;
            float max = 0.0f;
            for (int j = 0; j < 32; j++) {
                float v = x[i * 32 + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            short h = Float.floatToFloat16(d);
            out[i * 18] = (byte) h;
            out[i * 18 + 1] = (byte) (h >> 8);
            for (int j = 0; j < 16; j++) {
                float x0 = x[i * 32 + j] * id;
                float x1 = x[i * 32 + 16 + j] * id;
                int xi0 = Math.min(15, (byte) truncate(x0 + 8.5f));
                int xi1 = Math.min(15, (byte) truncate(x1 + 8.5f));
                out[i * 18 + 2 + j] = (byte) (xi0 | (xi1 << 4));
            }
        }
        return out;
    }

    /** C roundf via BigDecimal-free reasoning: halfway cases away from zero. */
    private static long cRoundf(float v) {
        java.math.BigDecimal b = new java.math.BigDecimal(v);
        return b.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /** C float → integer conversion: toward zero. */
    private static long truncate(float v) {
        return new java.math.BigDecimal(v).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
    }

    static float[] awkwardData(long seed, int blocks) {
        Random r = new Random(seed);
        float[] x = new float[blocks * 32];
        for (int b = 0; b < blocks; b++) {
            int kind = b % 6;
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                x[i] = switch (kind) {
                    case 0 -> (float) r.nextGaussian();
                    case 1 -> 0f;                                   // all-zero block: d = 0, id = 0
                    case 2 -> (r.nextInt(255) - 127) * 0.5f;        // many exact .5 multiples of d
                    case 3 -> j == 5 ? -3.75f : (float) r.nextGaussian(); // negative extreme
                    case 4 -> j % 7 == 0 ? 2f : (j % 7 == 1 ? -2f : r.nextFloat()); // tied |max| of both signs
                    default -> (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 6)); // wide magnitudes
                };
            }
        }
        return x;
    }

    private static byte[] encode(DType type, float[] x) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(type.byteSize(x.length));
            Quantize.row(type, x, 0, x.length, seg, 0);
            return seg.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void q8_0MatchesGgmlReferenceByteForByte() {
        for (long seed = 1; seed <= 20; seed++) {
            float[] x = awkwardData(seed, 48);
            assertArrayEquals(referenceQ8_0(x), encode(DType.Q8_0, x), "seed " + seed);
        }
    }

    @Test
    void q4_0MatchesGgmlReferenceByteForByte() {
        for (long seed = 1; seed <= 20; seed++) {
            float[] x = awkwardData(seed, 48);
            assertArrayEquals(referenceQ4_0(x), encode(DType.Q4_0, x), "seed " + seed);
        }
    }

    @Test
    void roundTripsStayWithinTheFormatsErrorBound() {
        float[] x = awkwardData(99, 96);
        for (DType type : new DType[] {DType.Q8_0, DType.Q4_0}) {
            byte[] bytes = encode(type, x);
            float[] back = new float[x.length];
            Dequantize.blocks(type, MemorySegment.ofArray(bytes), 0, back, 0, x.length / 32);
            for (int b = 0; b < x.length / 32; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[b * 32 + j]));
                }
                // q8: half a step of d = amax/127; q4: a full step of d = amax/8 at the clamped end;
                // plus |q|·(f16 rounding of d, ≤ 2^-11·d) since the stored scale is f16(d)
                double bound = type == DType.Q8_0 ? amax / 127 * (0.5 + 127 / 2048.0) + 1e-7 : amax / 8 * (1 + 8 / 2048.0) + 1e-7;
                for (int j = 0; j < 32; j++) {
                    double err = Math.abs(back[b * 32 + j] - x[b * 32 + j]);
                    assertTrue(err <= bound, type + " block " + b + " element " + j + ": error " + err + " > " + bound);
                }
            }
        }
    }

    @Test
    void knownBlockEncodesAsGgmlDoes() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = j - 16; // max magnitude -16 at j = 0: d = -16/-8 = 2, q = x/2 + 8
        }
        byte[] q4 = encode(DType.Q4_0, x);
        assertEquals(Float.floatToFloat16(2f), (short) ((q4[0] & 0xFF) | (q4[1] << 8)));
        // element 0: -16/2 + 8.5 = 0.5 → 0; element 16: 0/2 + 8.5 → 8
        assertEquals((byte) (0 | (8 << 4)), q4[2]);
        // element 15: -1/2 + 8.5 = 8 → 8; element 31: 15/2 + 8.5 = 16 → clamped to 15
        assertEquals((byte) (8 | (15 << 4)), q4[2 + 15]);
    }
}
