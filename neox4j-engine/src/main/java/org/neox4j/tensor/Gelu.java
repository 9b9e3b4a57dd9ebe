package org.neox4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GELU activations, in place, vectorised in float32.
 *
 * <p>Exact GELU uses erfc from Abramowitz &amp; Stegun 7.1.26 (absolute error ≤ 1.5e-7 on erf)
 * with a vector {@link VectorMath#exp}; for x &lt; 0 it is written as {@code 0.5·x·erfc(|x|/√2)}
 * so the negative tail does not cancel. The tanh forms use the identity
 * {@code 0.5·(1 + tanh(u)) = 1/(1 + e^(-2u))}. Measured against the double-precision
 * definitions in the tests: max |Δ| below 5e-7·max(1, |x|), far inside the golden tolerance.
 */
public final class Gelu {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    private Gelu() {
    }

    /** Exact GELU: {@code 0.5·x·(1 + erf(x/√2))}. */
    public static void exact(float[] x, int off, int n) {
        int i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            vectorExact(FloatVector.fromArray(F, x, off + i)).intoArray(x, off + i);
        }
        for (; i < n; i++) { // scalar tail (see tanhForm)
            double v = x[off + i];
            x[off + i] = (float) (0.5 * v * (1.0 + Erf.erf(v * Math.sqrt(0.5))));
        }
    }

    /** HF's {@code gelu_fast}: {@code 0.5·x·(1 + tanh(0.7978845608·x·(1 + 0.044715·x²)))}. */
    public static void fast(float[] x, int off, int n) {
        tanhForm(x, off, n, 0.7978845608f);
    }

    /** HF's {@code gelu_new}: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, the same function. */
    public static void tanhApproximation(float[] x, int off, int n) {
        tanhForm(x, off, n, SQRT_2_OVER_PI);
    }

    private static void tanhForm(float[] x, int off, int n, float c) {
        int i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            vectorTanhForm(FloatVector.fromArray(F, x, off + i), c).intoArray(x, off + i);
        }
        // Scalar tail: a rarely taken vector call would not be inlined by C2, and its vector result
        // would be boxed on every call.
        for (; i < n; i++) {
            double v = x[off + i];
            x[off + i] = (float) (v / (1.0 + Math.exp(-2.0 * c * v * (1.0 + 0.044715 * v * v))));
        }
    }

    static FloatVector vectorExact(FloatVector x) {
        FloatVector z = x.abs().mul(SQRT_HALF);
        FloatVector t = FloatVector.broadcast(F, 1f).div(z.fma(0.3275911f, 1f));
        FloatVector poly = t.fma(1.061405429f, -1.453152027f)
                .fma(t, FloatVector.broadcast(F, 1.421413741f))
                .fma(t, FloatVector.broadcast(F, -0.284496736f))
                .fma(t, FloatVector.broadcast(F, 0.254829592f))
                .mul(t);
        FloatVector half = poly.mul(VectorMath.exp(z.mul(z).neg())).mul(0.5f); // erfc(z)/2
        FloatVector factor = half.neg().add(1f).blend(half, x.compare(VectorOperators.LT, 0f));
        return x.mul(factor);
    }

    static FloatVector vectorTanhForm(FloatVector x, float c) {
        FloatVector x2 = x.mul(x);
        FloatVector u = x.mul(c).mul(x2.fma(0.044715f, 1f));
        FloatVector e = VectorMath.exp(u.mul(-2f));
        return x.div(e.add(1f));
    }
}
