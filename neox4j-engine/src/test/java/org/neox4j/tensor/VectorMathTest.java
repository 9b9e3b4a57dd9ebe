package org.neox4j.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** Accuracy of the vectorised transcendental kernels against double-precision definitions. */
class VectorMathTest {

    @Test
    void expIsWithinTwoUlpOverItsRange() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] in = new float[lanes];
        float[] out = new float[lanes];
        double worst = 0;
        for (int i = 0; i < 200_000; i += lanes) {
            for (int j = 0; j < lanes; j++) {
                in[j] = -87f + 175f * (i + j) / 200_000f;
            }
            VectorMath.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, in, 0)).intoArray(out, 0);
            for (int j = 0; j < lanes; j++) {
                double e = Math.exp(in[j]);
                worst = Math.max(worst, Math.abs(out[j] - e) / Math.ulp((float) e));
            }
        }
        assertTrue(worst <= 2, "exp error " + worst + " ulp");
    }

    @Test
    void geluVariantsMatchTheirDefinitions() {
        Random r = new Random(3);
        int n = 100_003;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 4);
        }
        x[0] = 0f;
        x[1] = -30f;
        x[2] = 30f;
        float[] exact = x.clone();
        float[] fast = x.clone();
        float[] tanh = x.clone();
        Gelu.exact(exact, 0, n);
        Gelu.fast(fast, 0, n);
        Gelu.tanhApproximation(tanh, 0, n);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double tol = 5e-7 * Math.max(1, Math.abs(v));
            double e = 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2)));
            double f = 0.5 * v * (1 + Math.tanh(0.7978845608 * v * (1 + 0.044715 * v * v)));
            double t = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            assertTrue(Math.abs(exact[i] - e) <= tol, "gelu(" + v + ") = " + exact[i] + ", expected " + e);
            assertTrue(Math.abs(fast[i] - f) <= tol, "gelu_fast(" + v + ") = " + fast[i] + ", expected " + f);
            assertTrue(Math.abs(tanh[i] - t) <= tol, "gelu_new(" + v + ") = " + tanh[i] + ", expected " + t);
        }
    }

    @Test
    void layerNormAndSoftmaxMatchDouble() {
        Random r = new Random(4);
        for (int dim : new int[] {24, 100, 2048}) {
            float[] x = new float[dim];
            float[] w = new float[dim];
            float[] b = new float[dim];
            for (int i = 0; i < dim; i++) {
                x[i] = (float) (r.nextGaussian() * 3 + 1);
                w[i] = (float) (1 + r.nextGaussian() * 0.2);
                b[i] = (float) (r.nextGaussian() * 0.1);
            }
            float[] out = new float[dim];
            Norms.layerNorm(x, 0, dim, w, b, 1e-5f, out, 0);
            double mean = 0;
            for (float v : x) {
                mean += v;
            }
            mean /= dim;
            double var = 0;
            for (float v : x) {
                var += (v - mean) * (v - mean);
            }
            var /= dim;
            for (int i = 0; i < dim; i++) {
                double e = (x[i] - mean) / Math.sqrt(var + 1e-5) * w[i] + b[i];
                assertTrue(Math.abs(out[i] - e) <= 2e-6, "layerNorm dim " + dim + " at " + i + ": " + out[i] + " vs " + e);
            }
            float[] s = x.clone();
            float max = VectorMath.max(s, 0, dim);
            float sum = VectorMath.expShiftSum(s, 0, dim, max);
            double dsum = 0;
            for (float v : x) {
                dsum += Math.exp(v - max);
            }
            for (int i = 0; i < dim; i++) {
                double e = Math.exp(x[i] - max) / dsum;
                assertTrue(Math.abs(s[i] / sum - e) <= 1e-7 + 1e-6 * e, "softmax dim " + dim + " at " + i);
            }
        }
    }
}
