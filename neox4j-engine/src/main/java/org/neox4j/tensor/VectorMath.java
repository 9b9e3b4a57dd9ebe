package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Float32 vector primitives on the Vector API (AVX2: 8 lanes), with scalar tails. */
public final class VectorMath {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorMath() {
    }

    /** Σ a[aOff+i]·b[bOff+i] for i in [0, n). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int step = F.length();
        int bound4 = n - n % (4 * step);
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int i = 0;
        for (; i < bound4; i += 4 * step) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + step).fma(FloatVector.fromArray(F, b, bOff + i + step), s1);
            s2 = FloatVector.fromArray(F, a, aOff + i + 2 * step).fma(FloatVector.fromArray(F, b, bOff + i + 2 * step), s2);
            s3 = FloatVector.fromArray(F, a, aOff + i + 3 * step).fma(FloatVector.fromArray(F, b, bOff + i + 3 * step), s3);
        }
        int bound = n - n % step;
        for (; i < bound; i += step) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** Σ w[i]·x[xOff+i] where w is {@code n} little-endian float32 values at {@code byteOffset} of {@code seg}. */
    public static float dot(MemorySegment seg, long byteOffset, float[] x, int xOff, int n) {
        int step = F.length();
        int bound4 = n - n % (4 * step);
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int i = 0;
        for (; i < bound4; i += 4 * step) {
            long o = byteOffset + 4L * i;
            s0 = FloatVector.fromMemorySegment(F, seg, o, LE).fma(FloatVector.fromArray(F, x, xOff + i), s0);
            s1 = FloatVector.fromMemorySegment(F, seg, o + 4L * step, LE).fma(FloatVector.fromArray(F, x, xOff + i + step), s1);
            s2 = FloatVector.fromMemorySegment(F, seg, o + 8L * step, LE).fma(FloatVector.fromArray(F, x, xOff + i + 2 * step), s2);
            s3 = FloatVector.fromMemorySegment(F, seg, o + 12L * step, LE).fma(FloatVector.fromArray(F, x, xOff + i + 3 * step), s3);
        }
        int bound = n - n % step;
        for (; i < bound; i += step) {
            s0 = FloatVector.fromMemorySegment(F, seg, byteOffset + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), s0);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += seg.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE), byteOffset + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    /** y[yOff+i] += alpha·x[xOff+i]. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int step = F.length();
        int bound = n - n % step;
        int i = 0;
        FloatVector a = FloatVector.broadcast(F, alpha);
        for (; i < bound; i += step) {
            FloatVector.fromArray(F, x, xOff + i).fma(a, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }
}
