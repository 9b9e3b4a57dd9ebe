package org.neox4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

/** The vector f16 widening against the JDK's scalar conversion, for every one of the 65536 halves (NaNs: same payload). */
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
