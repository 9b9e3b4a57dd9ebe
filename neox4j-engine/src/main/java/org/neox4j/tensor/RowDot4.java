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
 * {@link RowDot} for four weight rows at once, rows {@code o, o+q, o+2q, o+3q}: the decode
 * kernel's main loop. Two reasons: each thread then reads four sequential streams from four
 * distant places (one stream per thread does not reach the memory bandwidth: the prefetchers
 * keep too few lines in flight), and each activation vector loaded is used four times, which
 * matters for the quantized formats whose decoding is already close to compute-bound.
 */
final class RowDot4 {
    private static final VectorSpecies<Float> F = RowDot.F;
    private static final int L = RowDot.L;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private RowDot4() {
    }

    /** Whether {@link #dot4} handles this dtype and row length (else use {@link RowDot} row by row). */
    static boolean supports(DType type, int n, boolean finite) {
        return switch (type) {
            case F32 -> n % L == 0;
            case F16 -> finite && n % (2 * L) == 0;
            case BF16 -> n % (2 * L) == 0;
            case Q8_0 -> true;
            case Q4_0 -> true;
        };
    }

    /**
     * {@code y[yOff + r] = row(r)·x + bias[r]} for {@code r = o + k·q}, k in 0..3; {@code xs} is x
     * pair-split for F16/BF16; {@code xsum[b]} the sum of x's 32-value block b (Q4_0).
     */
    static void dot4(DType type, MemorySegment seg, long rowBytes, int o, int q, float[] x, float[] xs, float[] xsum, int xOff, int n, float[] bias, float[] y, int yOff) {
        long a = o * rowBytes;
        long b = (o + q) * rowBytes;
        long c = (o + 2L * q) * rowBytes;
        long d = (o + 3L * q) * rowBytes;
        switch (type) {
            case F32 -> f32(seg, a, b, c, d, x, xOff, n, y, yOff + o, q);
            case BF16 -> bf16(seg, a, b, c, d, xs, xOff, n, y, yOff + o, q);
            case Q8_0 -> q8_0(seg, a, b, c, d, x, xOff, n, y, yOff + o, q);
            case F16 -> f16(seg, a, b, c, d, xs, xOff, n, y, yOff + o, q);
            case Q4_0 -> {
                // two rows per loop: a four-row Q4_0 loop exceeds what C2 inlines (vectors get boxed)
                q4Pair(seg, a, b, x, xsum, xOff, n, y, yOff + o, q);
                q4Pair(seg, c, d, x, xsum, xOff, n, y, yOff + o + 2 * q, q);
            }
        }
        if (bias != null) {
            for (int k = 0; k < 4; k++) {
                y[yOff + o + k * q] += bias[o + k * q];
            }
        }
    }

    private static void store(float[] y, int at, int q, FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
        y[at] = s0.reduceLanes(VectorOperators.ADD);
        y[at + q] = s1.reduceLanes(VectorOperators.ADD);
        y[at + 2 * q] = s2.reduceLanes(VectorOperators.ADD);
        y[at + 3 * q] = s3.reduceLanes(VectorOperators.ADD);
    }

    private static void f32(MemorySegment seg, long a, long b, long c, long d, float[] x, int xOff, int n, float[] y, int at, int q) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        for (int i = 0; i < n; i += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
            long off = 4L * i;
            s0 = FloatVector.fromMemorySegment(F, seg, a + off, LE).fma(xv, s0);
            s1 = FloatVector.fromMemorySegment(F, seg, b + off, LE).fma(xv, s1);
            s2 = FloatVector.fromMemorySegment(F, seg, c + off, LE).fma(xv, s2);
            s3 = FloatVector.fromMemorySegment(F, seg, d + off, LE).fma(xv, s3);
        }
        store(y, at, q, s0, s1, s2, s3);
    }

    /**
     * F16 rows known to be finite. The halves are moved into float32 position (sign kept by an
     * arithmetic shift and a mask) but not rebiased: each float then equals w·2^-112, and the
     * sums are multiplied by 2^112 once at the end, one multiply per row instead of per lane.
     * Products below 2^-126 underflow gradually to subnormals, which keeps them to 2^-149 absolute
     * in the scaled domain, i.e. 2^-37 ≈ 7e-12 per product once rescaled: far below float32
     * resolution of the sums.
     */
    private static void f16(MemorySegment seg, long a, long b, long c, long d, float[] xs, int xOff, int n, float[] y, int at, int q) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        for (int i = 0; i < n; i += 2 * L) {
            FloatVector even = FloatVector.fromArray(F, xs, xOff + i);
            FloatVector odd = FloatVector.fromArray(F, xs, xOff + i + L);
            long off = 2L * i;
            IntVector wa = IntVector.fromMemorySegment(I, seg, a + off, LE);
            IntVector wb = IntVector.fromMemorySegment(I, seg, b + off, LE);
            IntVector wc = IntVector.fromMemorySegment(I, seg, c + off, LE);
            IntVector wd = IntVector.fromMemorySegment(I, seg, d + off, LE);
            s0 = wa.lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().fma(odd,
                    wa.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().fma(even, s0));
            s1 = wb.lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().fma(odd,
                    wb.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().fma(even, s1));
            s2 = wc.lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().fma(odd,
                    wc.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().fma(even, s2));
            s3 = wd.lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().fma(odd,
                    wd.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().fma(even, s3));
        }
        y[at] = s0.reduceLanes(VectorOperators.ADD) * 0x1p112f;
        y[at + q] = s1.reduceLanes(VectorOperators.ADD) * 0x1p112f;
        y[at + 2 * q] = s2.reduceLanes(VectorOperators.ADD) * 0x1p112f;
        y[at + 3 * q] = s3.reduceLanes(VectorOperators.ADD) * 0x1p112f;
    }

    private static void bf16(MemorySegment seg, long a, long b, long c, long d, float[] xs, int xOff, int n, float[] y, int at, int q) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        for (int i = 0; i < n; i += 2 * L) {
            FloatVector even = FloatVector.fromArray(F, xs, xOff + i);
            FloatVector odd = FloatVector.fromArray(F, xs, xOff + i + L);
            long off = 2L * i;
            IntVector wa = IntVector.fromMemorySegment(I, seg, a + off, LE);
            IntVector wb = IntVector.fromMemorySegment(I, seg, b + off, LE);
            IntVector wc = IntVector.fromMemorySegment(I, seg, c + off, LE);
            IntVector wd = IntVector.fromMemorySegment(I, seg, d + off, LE);
            s0 = wa.and(0xFFFF_0000).reinterpretAsFloats().fma(odd, wa.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(even, s0));
            s1 = wb.and(0xFFFF_0000).reinterpretAsFloats().fma(odd, wb.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(even, s1));
            s2 = wc.and(0xFFFF_0000).reinterpretAsFloats().fma(odd, wc.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(even, s2));
            s3 = wd.and(0xFFFF_0000).reinterpretAsFloats().fma(odd, wd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(even, s3));
        }
        store(y, at, q, s0, s1, s2, s3);
    }

    private static void q8_0(MemorySegment seg, long a, long b, long c, long d, float[] x, int xOff, int n, float[] y, int at, int q) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        for (int blk = 0; blk < n / 32; blk++) {
            long off = 34L * blk;
            FloatVector p0 = FloatVector.zero(F);
            FloatVector p1 = FloatVector.zero(F);
            FloatVector p2 = FloatVector.zero(F);
            FloatVector p3 = FloatVector.zero(F);
            for (int p = 0; p < 32; p += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xOff + 32 * blk + p);
                p0 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, a + off + 2 + p, LE).convertShape(VectorOperators.B2F, F, 0)).fma(xv, p0);
                p1 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, b + off + 2 + p, LE).convertShape(VectorOperators.B2F, F, 0)).fma(xv, p1);
                p2 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, c + off + 2 + p, LE).convertShape(VectorOperators.B2F, F, 0)).fma(xv, p2);
                p3 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, d + off + 2 + p, LE).convertShape(VectorOperators.B2F, F, 0)).fma(xv, p3);
            }
            s0 = p0.fma(FloatVector.broadcast(F, Float.float16ToFloat(seg.get(I16, a + off))), s0);
            s1 = p1.fma(FloatVector.broadcast(F, Float.float16ToFloat(seg.get(I16, b + off))), s1);
            s2 = p2.fma(FloatVector.broadcast(F, Float.float16ToFloat(seg.get(I16, c + off))), s2);
            s3 = p3.fma(FloatVector.broadcast(F, Float.float16ToFloat(seg.get(I16, d + off))), s3);
        }
        store(y, at, q, s0, s1, s2, s3);
    }

    /** Two Q4_0 rows, with the block-sum correction of {@link RowDot#q4_0(MemorySegment, long, float[], float[], int, int)}. */
    private static void q4Pair(MemorySegment seg, long a, long b, float[] x, float[] xsum, int xOff, int n, float[] y, int at, int q) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        float c0 = 0;
        float c1 = 0;
        int sumOff = xOff / 32;
        for (int blk = 0; blk < n / 32; blk++) {
            long off = 18L * blk;
            FloatVector p0 = FloatVector.zero(F);
            FloatVector p1 = FloatVector.zero(F);
            for (int p = 0; p < 16; p += L) {
                FloatVector lo = FloatVector.fromArray(F, x, xOff + 32 * blk + p);
                FloatVector hi = FloatVector.fromArray(F, x, xOff + 32 * blk + 16 + p);
                // one byte→int widening per 16 bytes, both nibbles split on int lanes (faster than
                // splitting on bytes and widening twice: 13.4 vs 11.0 G weights/s on one thread)
                IntVector w0 = (IntVector) ByteVector.fromMemorySegment(B, seg, a + off + 2 + p, LE).convertShape(VectorOperators.B2I, I, 0);
                IntVector w1 = (IntVector) ByteVector.fromMemorySegment(B, seg, b + off + 2 + p, LE).convertShape(VectorOperators.B2I, I, 0);
                p0 = ((FloatVector) w0.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).fma(hi,
                        ((FloatVector) w0.and(0x0F).convert(VectorOperators.I2F, 0)).fma(lo, p0));
                p1 = ((FloatVector) w1.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).fma(hi,
                        ((FloatVector) w1.and(0x0F).convert(VectorOperators.I2F, 0)).fma(lo, p1));
            }
            float d0 = Float.float16ToFloat(seg.get(I16, a + off));
            float d1 = Float.float16ToFloat(seg.get(I16, b + off));
            s0 = p0.fma(FloatVector.broadcast(F, d0), s0);
            s1 = p1.fma(FloatVector.broadcast(F, d1), s1);
            float xs = xsum[sumOff + blk];
            c0 += d0 * xs;
            c1 += d1 * xs;
        }
        y[at] = s0.reduceLanes(VectorOperators.ADD) - 8 * c0;
        y[at + q] = s1.reduceLanes(VectorOperators.ADD) - 8 * c1;
    }
}
