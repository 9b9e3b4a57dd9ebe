package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Widening of 16-bit float storage (IEEE half, bfloat16) to float32: scalar loops for rows, and
 * a vector form for the kernels that works on 32-bit lanes holding one 16-bit value in their
 * upper half. Loading 16-bit pairs as int lanes and splitting them into "even" and "odd"
 * elements with one shift or mask each is how the kernels widen without per-element work.
 */
public final class Widen {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Widen() {
    }

    public static void f16(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src.get(I16, byteOffset + 2L * i));
        }
    }

    public static void bf16(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Float.intBitsToFloat((src.get(I16, byteOffset + 2L * i) & 0xFFFF) << 16);
        }
    }

    /**
     * IEEE half to float32, per lane, for lanes whose upper 16 bits hold the half (lower bits
     * ignored). Exponent and mantissa move down 3 bits into float32 position; one multiply by
     * 2^112 rebiases the exponent (15 → 127) and also turns half subnormals into the right
     * float32 normals exactly. Halves with exponent 31 (infinity, NaN) would come out finite
     * (2^16 ≤ |v| < 2^17, above the largest finite half 65504), so those lanes get the float32
     * all-ones exponent instead, keeping the NaN payload. Bit-exact with
     * {@link Float#float16ToFloat} for all 65536 inputs (see the tests).
     */
    public static FloatVector f16High(IntVector bits) {
        IntVector sign = bits.and(0x8000_0000);
        IntVector magnitude = bits.lanewise(VectorOperators.LSHR, 3).and(0x0FFF_E000);
        FloatVector f = magnitude.reinterpretAsFloats().mul(0x1p112f);
        VectorMask<Float> special = f.compare(VectorOperators.GE, 0x1p16f);
        FloatVector infNan = magnitude.or(0x7F80_0000).reinterpretAsFloats();
        return f.blend(infNan, special).reinterpretAsInts().or(sign).reinterpretAsFloats();
    }
}
