package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of one weight row, read once in its storage dtype, with float32 activations:
 * the inner loop of decoding (matrix-vector), which is bound by memory bandwidth. Nothing is
 * widened into a buffer first; each block of the row is decoded in registers and multiplied.
 *
 * <p>F16 and BF16 rows are loaded as int lanes (two 16-bit values each); the even and odd
 * elements are separated with one shift or mask, so their activations must be "pair-split"
 * the same way beforehand ({@link #pairSplit}): per chunk of {@code 2L} values, first the
 * {@code L} even ones, then the {@code L} odd ones ({@code L} = float lanes).
 *
 * <p>Quantized rows (GGML Q8_0, Q4_0) are dequantized in registers: int8 (or offset nibble)
 * lanes convert to float, one FMA per lane with the activations, and one FMA per block with
 * its f16 scale. Activations stay float32 (llama.cpp instead quantizes them to Q8 for an int8
 * dot product): the Vector API offers no int8 multiply-add like VPMADDUBSW/VPDPBUSD, so the
 * integer route saves no work here, and keeping activations exact means the only error is the
 * weights' own quantization error.
 */
public final class RowDot {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Bytes that convert to one float vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private RowDot() {
    }

    /**
     * Σ row[i]·x[xOff+i] for the row of {@code n} elements at {@code byteOffset}; {@code xSplit} is
     * x pair-split (F16/BF16 only); {@code xSums[b]} the sum of x's 32-value block b, or null
     * (Q4_0 only, see {@link #q4_0(MemorySegment, long, float[], float[], int, int)});
     * {@code finite}: an F16 row holds no infinity or NaN.
     */
    public static float dot(DType type, MemorySegment seg, long byteOffset, float[] x, float[] xSplit, float[] xSums,
                            int xOff, int n, boolean finite) {
        return switch (type) {
            case F32 -> VectorMath.dot(seg, byteOffset, x, xOff, n);
            case F16 -> finite ? f16Finite(seg, byteOffset, xSplit, xOff, n) : f16(seg, byteOffset, xSplit, xOff, n);
            case BF16 -> bf16(seg, byteOffset, xSplit, xOff, n);
            case Q8_0 -> q8_0(seg, byteOffset, x, xOff, n);
            case Q4_0 -> xSums != null ? q4_0(seg, byteOffset, x, xSums, xOff, n) : q4_0(seg, byteOffset, x, xOff, n);
        };
    }

    /** Whether {@link #dot} wants pair-split activations for this dtype. */
    public static boolean needsPairSplit(DType type) {
        return type == DType.F16 || type == DType.BF16;
    }

    /** Writes {@code x[off..off+n)} pair-split into {@code dst[off..off+n)}; the tail past whole chunks is copied as is. */
    public static void pairSplit(float[] x, int off, int n, float[] dst) {
        int full = n - n % (2 * L);
        for (int c = 0; c < full; c += 2 * L) {
            for (int j = 0; j < L; j++) {
                dst[off + c + j] = x[off + c + 2 * j];
                dst[off + c + L + j] = x[off + c + 2 * j + 1];
            }
        }
        System.arraycopy(x, off + full, dst, off + full, n - full);
    }

    /** F16 row whose halves are all finite (see {@link Widen#f16HighFinite}); 3 operations per lane to widen. */
    static float f16Finite(MemorySegment seg, long off, float[] xs, int xOff, int n) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            IntVector a = IntVector.fromMemorySegment(I, seg, off + 2L * i, LE);
            IntVector b = IntVector.fromMemorySegment(I, seg, off + 2L * i + 4L * L, LE);
            s0 = Widen.f16HighFinite(a.lanewise(VectorOperators.LSHL, 16)).fma(FloatVector.fromArray(F, xs, xOff + i), s0);
            s1 = Widen.f16HighFinite(a).fma(FloatVector.fromArray(F, xs, xOff + i + L), s1);
            s2 = Widen.f16HighFinite(b.lanewise(VectorOperators.LSHL, 16)).fma(FloatVector.fromArray(F, xs, xOff + i + 2 * L), s2);
            s3 = Widen.f16HighFinite(b).fma(FloatVector.fromArray(F, xs, xOff + i + 3 * L), s3);
        }
        for (; i + 2 * L <= n; i += 2 * L) {
            IntVector a = IntVector.fromMemorySegment(I, seg, off + 2L * i, LE);
            s0 = Widen.f16HighFinite(a.lanewise(VectorOperators.LSHL, 16)).fma(FloatVector.fromArray(F, xs, xOff + i), s0);
            s1 = Widen.f16HighFinite(a).fma(FloatVector.fromArray(F, xs, xOff + i + L), s1);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Float.float16ToFloat(seg.get(I16, off + 2L * i)) * xs[xOff + i];
        }
        return sum;
    }

    /** F16 row that may hold infinities or NaNs: the exact widening. */
    static float f16(MemorySegment seg, long off, float[] xs, int xOff, int n) {
        // One int vector (2L halves) per iteration: the widening is large once the Vector API is
        // expanded, and unrolling further exceeds C2's inlining budget (vectors then get boxed).
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            IntVector a = IntVector.fromMemorySegment(I, seg, off + 2L * i, LE);
            s0 = Widen.f16High(a.lanewise(VectorOperators.LSHL, 16)).fma(FloatVector.fromArray(F, xs, xOff + i), s0);
            s1 = Widen.f16High(a).fma(FloatVector.fromArray(F, xs, xOff + i + L), s1);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Float.float16ToFloat(seg.get(I16, off + 2L * i)) * xs[xOff + i];
        }
        return sum;
    }

    static float bf16(MemorySegment seg, long off, float[] xs, int xOff, int n) {
        int full = n - n % (4 * L);
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int i = 0;
        for (; i < full; i += 4 * L) {
            IntVector a = IntVector.fromMemorySegment(I, seg, off + 2L * i, LE);
            IntVector b = IntVector.fromMemorySegment(I, seg, off + 2L * i + 4L * L, LE);
            s0 = a.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, xOff + i), s0);
            s1 = a.and(0xFFFF_0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, xOff + i + L), s1);
            s2 = b.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, xOff + i + 2 * L), s2);
            s3 = b.and(0xFFFF_0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, xOff + i + 3 * L), s3);
        }
        for (; i + 2 * L <= n; i += 2 * L) {
            IntVector a = IntVector.fromMemorySegment(I, seg, off + 2L * i, LE);
            s0 = a.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, xOff + i), s0);
            s1 = a.and(0xFFFF_0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, xs, xOff + i + L), s1);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Float.intBitsToFloat((seg.get(I16, off + 2L * i) & 0xFFFF) << 16) * xs[xOff + i];
        }
        return sum;
    }

    /** GGML block_q8_0: f16 scale d, then 32 int8 q; value = q·d. {@code n} is a multiple of 32. */
    static float q8_0(MemorySegment seg, long off, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int blocks = n / 32;
        int b = 0;
        for (; b + 1 < blocks; b += 2, off += 68) {
            acc0 = q8Block(seg, off, x, xOff + 32 * b).fma(scale(seg, off), acc0);
            acc1 = q8Block(seg, off + 34, x, xOff + 32 * b + 32).fma(scale(seg, off + 34), acc1);
        }
        if (b < blocks) {
            acc0 = q8Block(seg, off, x, xOff + 32 * b).fma(scale(seg, off), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector q8Block(MemorySegment seg, long off, float[] x, int xOff) {
        FloatVector s = FloatVector.zero(F);
        for (int p = 0; p < 32; p += L) {
            FloatVector q = (FloatVector) ByteVector.fromMemorySegment(B, seg, off + 2 + p, LE).convertShape(VectorOperators.B2F, F, 0);
            s = q.fma(FloatVector.fromArray(F, x, xOff + p), s);
        }
        return s;
    }

    /** GGML block_q4_0: f16 scale d, then 16 bytes; low nibbles are elements 0..15, high nibbles 16..31; value = (q-8)·d. */
    static float q4_0(MemorySegment seg, long off, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int blocks = n / 32;
        int b = 0;
        for (; b + 1 < blocks; b += 2, off += 36) {
            acc0 = q4Block(seg, off, x, xOff + 32 * b).fma(scale(seg, off), acc0);
            acc1 = q4Block(seg, off + 18, x, xOff + 32 * b + 32).fma(scale(seg, off + 18), acc1);
        }
        if (b < blocks) {
            acc0 = q4Block(seg, off, x, xOff + 32 * b).fma(scale(seg, off), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector q4Block(MemorySegment seg, long off, float[] x, int xOff) {
        FloatVector s = FloatVector.zero(F);
        for (int p = 0; p < 16; p += L) {
            ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + p, LE);
            FloatVector lo = (FloatVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
            FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
            s = lo.fma(FloatVector.fromArray(F, x, xOff + p), s);
            s = hi.fma(FloatVector.fromArray(F, x, xOff + 16 + p), s);
        }
        return s;
    }

    /**
     * Q4_0 with unsigned nibbles: Σ(q-8)·x = Σ q·x - 8·Σx, so the per-lane offset becomes one
     * scalar term per block from the precomputed block sums of x: two vector operations fewer
     * per block (the kernel is compute-bound: 18 bytes feed 32 multiply-adds).
     */
    static float q4_0(MemorySegment seg, long off, float[] x, float[] xSums, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        float correction = 0;
        int blocks = n / 32;
        int sumOff = xOff / 32;
        for (int b = 0; b < blocks; b++, off += 18) {
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            for (int p = 0; p < 16; p += L) {
                // one byte→int widening, both nibbles split on int lanes (see RowDot4.q4Pair)
                IntVector q = (IntVector) ByteVector.fromMemorySegment(B, seg, off + 2 + p, LE).convertShape(VectorOperators.B2I, I, 0);
                s0 = ((FloatVector) q.and(0x0F).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(F, x, xOff + 32 * b + p), s0);
                s1 = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(F, x, xOff + 32 * b + 16 + p), s1);
            }
            float d = Float.float16ToFloat(seg.get(I16, off));
            FloatVector dv = FloatVector.broadcast(F, d);
            acc0 = s0.fma(dv, acc0);
            acc1 = s1.fma(dv, acc1);
            correction += d * xSums[sumOff + b];
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - 8 * correction;
    }

    private static FloatVector scale(MemorySegment seg, long off) {
        return FloatVector.broadcast(F, Float.float16ToFloat(seg.get(I16, off)));
    }
}
