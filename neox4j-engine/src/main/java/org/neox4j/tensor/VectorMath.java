package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
    /**
     * e^x per lane, float32 (Cephes expf: Cody-Waite reduction x = n·ln2 + r, a degree-7
     * polynomial for e^r on |r| ≤ ln2/2, then 2^n built in the exponent bits). Relative error
     * below 2 ulp; inputs are clamped to [-87.3, 88.3] so that 2^n stays a normal float (e^x
     * below e^-87.3 ≈ 1.2e-38 comes out as that; callers use it for softmax and GELU, where
     * such values are 0 for all purposes).
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(-87.3f).min(88.3f);
        // n = round(v·log2 e), via the 1.5·2^23 rounding trick (|v·log2 e| < 2^22)
        FloatVector n = v.fma(1.44269504088896341f, 12582912f).sub(12582912f);
        FloatVector r = n.fma(FloatVector.broadcast(v.species(), -0.693359375f), v).add(n.mul(2.12194440e-4f));
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f)
                .fma(r, FloatVector.broadcast(v.species(), 8.3334519073e-3f))
                .fma(r, FloatVector.broadcast(v.species(), 4.1665795894e-2f))
                .fma(r, FloatVector.broadcast(v.species(), 1.6666665459e-1f))
                .fma(r, FloatVector.broadcast(v.species(), 5.0000001201e-1f));
        FloatVector e = p.mul(r.mul(r)).add(r).add(1f);
        IntVector pow2 = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return e.mul(pow2.reinterpretAsFloats());
    }

    /** Largest of {@code x[off..off+n)}. */
    public static float max(float[] x, int off, int n) {
        int step = F.length();
        if (n < step) { // short rows (early decode steps) stay scalar: no vector is made only to be reduced
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[off + i]);
            }
            return max;
        }
        int bound = n - n % step;
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += step) {
            m = m.max(FloatVector.fromArray(F, x, off + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        return max;
    }

    /** x[i] = e^(x[i] - shift) in place; returns the sum of the new values. */
    public static float expShiftSum(float[] x, int off, int n, float shift) {
        int step = F.length();
        int bound = n - n % step;
        float total = 0f;
        int i = 0;
        if (bound > 0) {
            FloatVector sum = FloatVector.zero(F);
            for (; i < bound; i += step) {
                FloatVector e = exp(FloatVector.fromArray(F, x, off + i).sub(shift));
                e.intoArray(x, off + i);
                sum = sum.add(e);
            }
            total = sum.reduceLanes(VectorOperators.ADD);
        }
        // scalar tail: a vector call here would run rarely, so C2 would not inline exp() into it and
        // would box its result on every call
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - shift);
            x[off + i] = e;
            total += e;
        }
        return total;
    }

    /** x[i] *= s. */
    public static void scale(float[] x, int off, int n, float s) {
        int step = F.length();
        int bound = n - n % step;
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= s;
        }
    }
}
