package org.neox4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

/**
 * The vector f16 widening against the JDK's scalar conversion, for every one of the 65536 halves
 * (NaNs: same payload), lane by lane and over rows; bfloat16 rows; and the vector block decoding
 * of Q8_0/Q4_0 against the scalar transcription of GGML's reference, bit for bit.
 */
class WidenTest {

    @Test
    void f16HighMatchesFloat16ToFloatForAllHalves() {
        int lanes = IntVector.SPECIES_PREFERRED.length();
        int[] bits = new int[lanes];
        float[] out = new float[lanes];
        for (int base = 0; base < 65536; base += lanes) {
            for (int j = 0; j < lanes; j++) {
                // the half in the upper 16 bits, arbitrary garbage below (the kernels leave the neighbour there)
                bits[j] = ((base + j) << 16) | ((base * 31 + j * 7919) & 0xFFFF);
            }
            FloatVector v = Widen.f16High(IntVector.fromArray(IntVector.SPECIES_PREFERRED, bits, 0));
            v.intoArray(out, 0);
            for (int j = 0; j < lanes; j++) {
                short h = (short) (base + j);
                float expected = Float.float16ToFloat(h);
                if (Float.isNaN(expected)) {
                    // NaN stays NaN with its payload; the JDK (like VCVTPH2PS) also sets the quiet bit of signalling NaNs
                    assertEquals(Float.floatToRawIntBits(expected) | 0x0040_0000, Float.floatToRawIntBits(out[j]) | 0x0040_0000);
                    continue;
                }
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[j]),
                        () -> "half 0x" + Integer.toHexString(h & 0xFFFF) + " → " + expected);
            }
        }
    }

    @Test
    void rowWideningMatchesTheScalarConversionsForAllHalves() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 65536 + 5; // a tail past whole vectors
            MemorySegment halves = arena.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                halves.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, (short) i);
            }
            float[] f16 = new float[n + 3];
            float[] bf16 = new float[n + 3];
            Widen.f16(halves, 0, f16, 3, n);
            Widen.bf16(halves, 0, bf16, 3, n);
            for (int i = 0; i < n; i++) {
                float expected = Float.float16ToFloat((short) i);
                int quiet = Float.isNaN(expected) ? 0x0040_0000 : 0; // signalling NaNs: see above
                assertEquals(Float.floatToRawIntBits(expected) | quiet, Float.floatToRawIntBits(f16[3 + i]) | quiet, "half " + i);
                assertEquals((i & 0xFFFF) << 16, Float.floatToRawIntBits(bf16[3 + i]), "bfloat16 " + i);
            }
        }
    }

    @Test
    void blockDecodingMatchesTheScalarReference() {
        Random random = new Random(5);
        int blocks = 200;
        try (Arena arena = Arena.ofConfined()) {
            for (DType type : new DType[] {DType.Q8_0, DType.Q4_0}) {
                MemorySegment data = arena.allocate((long) blocks * type.blockBytes());
                byte[] bytes = new byte[(int) data.byteSize()];
                random.nextBytes(bytes);
                MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
                for (int b = 0; b < blocks; b++) { // finite scales, some subnormal
                    data.set(ValueLayout.JAVA_SHORT_UNALIGNED, (long) b * type.blockBytes(), (short) (random.nextInt(0x7800) | (b % 2) << 15));
                }
                float[] expected = new float[blocks * 32 + 1];
                float[] actual = new float[blocks * 32 + 1];
                if (type == DType.Q8_0) {
                    Dequantize.scalarQ8_0(data, 0, expected, 1, blocks);
                } else {
                    Dequantize.scalarQ4_0(data, 0, expected, 1, blocks);
                }
                Dequantize.blocks(type, data, 0, actual, 1, blocks);
                assertArrayEquals(expected, actual, type.toString());
            }
        }
    }

    @Test
    void bf16RoundsToNearestEvenAndKeepsNaN() {
        assertEquals((short) 0x3F80, Quantize.toBf16(1.0f));
        // 1 + 2^-8 is halfway between two bf16 values: ties to even (down); a bit above rounds up
        assertEquals((short) 0x3F80, Quantize.toBf16(Float.intBitsToFloat(0x3F808000)));
        assertEquals((short) 0x3F82, Quantize.toBf16(Float.intBitsToFloat(0x3F818000)));
        assertEquals((short) 0x3F81, Quantize.toBf16(Float.intBitsToFloat(0x3F808001)));
        assertEquals((short) 0x7F80, Quantize.toBf16(Float.POSITIVE_INFINITY));
        float back = Float.intBitsToFloat((Quantize.toBf16(Float.NaN) & 0xFFFF) << 16);
        assertEquals(true, Float.isNaN(back));
    }
}
