package org.neox4j.tensor;

/** Normalisation kernels. */
public final class Norms {
    private Norms() {
    }

    /**
     * LayerNorm of {@code dim} values: {@code (x - mean) / sqrt(var + eps) · w + b} with the biased
     * variance, as torch.nn.LayerNorm. Statistics are accumulated in double.
     */
    public static void layerNorm(float[] x, int xOff, int dim, float[] w, float[] b, float eps, float[] out, int outOff) {
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += x[xOff + i];
        }
        double mean = sum / dim;
        double var = 0;
        for (int i = 0; i < dim; i++) {
            double d = x[xOff + i] - mean;
            var += d * d;
        }
        var /= dim;
        float rstd = (float) (1.0 / Math.sqrt(var + eps));
        float m = (float) mean;
        for (int i = 0; i < dim; i++) {
            out[outOff + i] = (x[xOff + i] - m) * rstd * w[i] + b[i];
        }
    }
}
