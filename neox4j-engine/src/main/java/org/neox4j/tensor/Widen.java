package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Widening of 16-bit float storage (IEEE half, bfloat16) to float32: scalar loops for rows, and
 * a vector form for the kernels that works on 32-bit lanes holding one 16-bit value in their
 * upper half. Loading 16-bit pairs as int lanes and splitting them into "even" and "odd"
 * elements with one shift or mask each is how the kernels widen without per-element work.
 */
public final class Widen {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** As many 16-bit lanes as {@link #I} has int lanes. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));

    private Widen() {
    }

    /**
     * {@code count} halves at {@code byteOffset} to floats, a vector of them at a time
     * ({@link #f16High}: exact, infinities and NaNs included); the GEMM's panel packing and the
     * embedding lookup run on this.
     */
    public static void f16(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        int i = 0;
        for (; i + L <= count; i += L) {
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S, src, byteOffset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            f16High(bits.lanewise(VectorOperators.LSHL, 16)).intoArray(dst, dstOffset + i);
        }
        for (; i < count; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src.get(I16, byteOffset + 2L * i));
        }
    }

    public static void bf16(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        int i = 0;
        for (; i + L <= count; i += L) {
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S, src, byteOffset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOffset + i);
        }
        for (; i < count; i++) {
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
     * {@link Float#float16ToFloat} for all 65536 inputs except signalling NaNs, which stay
     * signalling here where the JDK quiets them (see the tests); weights hold no NaNs anyway.
     */
    public static FloatVector f16High(IntVector bits) {
        IntVector signed = f16Shift(bits);
        // exponent 31 (inf, NaN): the multiply left the float32 exponent at 31 + 112 = 143; add
        // another 112 to reach 255 (mantissa, hence NaN payload, unchanged), without masks
        IntVector top = signed.and(0x0F80_0000).add(0x0080_0000).and(0x1000_0000); // 2^28 iff exponent 31
        IntVector bump = top.or(top.lanewise(VectorOperators.LSHR, 1)).or(top.lanewise(VectorOperators.LSHL, 1)); // 112 << 23
        return signed.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().add(bump).reinterpretAsFloats();
    }

    /**
     * {@link #f16High} for halves known to be finite (no exponent 31): 3 operations per lane.
     * Weight tensors are checked once ({@link Tensor#hasNonFiniteF16()}), so real checkpoints
     * take this path and a tensor holding an infinity or NaN still widens exactly.
     */
    public static FloatVector f16HighFinite(IntVector bits) {
        return f16Shift(bits).reinterpretAsFloats().mul(0x1p112f);
    }

    /** Sign to bit 31, exponent and mantissa to float32 position: an arithmetic shift keeps the sign, smeared into 30..28, which the mask clears. */
    private static IntVector f16Shift(IntVector bits) {
        return bits.lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000);
    }

    /** Whether any of {@code count} halves at {@code byteOffset} is an infinity or NaN (exponent 31). */
    public static boolean anyNonFiniteF16(MemorySegment src, long byteOffset, long count) {
        for (long i = 0; i < count; i++) {
            if ((src.get(I16, byteOffset + 2 * i) & 0x7C00) == 0x7C00) {
                return true;
            }
        }
        return false;
    }
}
