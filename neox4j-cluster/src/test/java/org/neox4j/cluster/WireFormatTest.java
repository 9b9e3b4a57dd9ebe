package org.neox4j.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.neox4j.Neox4jException;
import org.neox4j.cluster.proto.Activations;

class WireFormatTest {
    private static float[] random(int n) {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        return x;
    }

    @Test
    void float32IsExactAndTakesFourBytesAValue() {
        float[] x = random(3 * 8 + 5);
        Activations a = WireFormat.F32.encode(x, 5, 3, 8);
        assertEquals(3 * 8 * 4, a.getData().size());
        float[] back = new float[24];
        WireFormat.decode(a, 3, 8, back, 0, "test");
        assertArrayEquals(java.util.Arrays.copyOfRange(x, 5, 29), back);
    }

    @Test
    void float16RoundsToNearestHalfAndTakesTwoBytes() {
        float[] x = random(64);
        Activations a = WireFormat.F16.encode(x, 0, 8, 8);
        assertEquals(64 * 2, a.getData().size());
        float[] back = new float[64];
        WireFormat.decode(a, 8, 8, back, 0, "test");
        for (int i = 0; i < 64; i++) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(x[i])), back[i]);
            // round to nearest: within half a float16 step (2^-11 relative; 2^-25 absolute for subnormals)
            assertTrue(Math.abs(x[i] - back[i]) <= Math.abs(x[i]) * 0x1p-11 + 0x1p-25, x[i] + " -> " + back[i]);
        }
    }

    @Test
    void float16RefusesValuesItCannotHold() {
        String m = assertThrows(Neox4jException.class, () -> WireFormat.F16.encode(new float[] {1f, 70000f}, 0, 1, 2)).getMessage();
        assertTrue(m.contains("overflows float16") && m.contains("f32"), m);
    }

    @Test
    void malformedActivationsAreRefusedWithTheirSource() {
        Activations good = WireFormat.F32.encode(new float[8], 0, 2, 4);
        float[] out = new float[8];
        String m = assertThrows(IllegalArgumentException.class, () -> WireFormat.decode(good, 2, 5, out, 0, "stage 1")).getMessage();
        assertTrue(m.startsWith("stage 1: hidden states of 2 × 4 values, expected 2 × 5"), m);
        Activations shortData = good.toBuilder().setData(ByteString.copyFrom(new byte[31])).build();
        m = assertThrows(IllegalArgumentException.class, () -> WireFormat.decode(shortData, 2, 4, out, 0, "stage 1")).getMessage();
        assertTrue(m.contains("31 bytes") && m.contains("expected 32"), m);
        Activations unknown = good.toBuilder().setDtypeValue(9).build();
        m = assertThrows(IllegalArgumentException.class, () -> WireFormat.decode(unknown, 2, 4, out, 0, "stage 1")).getMessage();
        assertTrue(m.contains("unknown wire dtype"), m);
    }

    @Test
    void namesParseAsOnTheCommandLine() {
        assertEquals(WireFormat.F16, WireFormat.parse("F16"));
        assertEquals(WireFormat.F32, WireFormat.parse("float32"));
        assertThrows(Neox4jException.class, () -> WireFormat.parse("bf16"));
    }
}
