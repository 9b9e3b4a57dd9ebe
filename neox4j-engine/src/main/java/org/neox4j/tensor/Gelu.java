package org.neox4j.tensor;

/** The GELU activations, in place. */
public final class Gelu {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Gelu() {
    }

    /** Exact GELU: {@code 0.5·x·(1 + erf(x/√2))}. */
    public static void exact(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1.0 + Erf.erf(v * SQRT_HALF)));
        }
    }

    /** HF's {@code gelu_fast}: {@code 0.5·x·(1 + tanh(0.7978845608·x·(1 + 0.044715·x²)))}. */
    public static void fast(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1.0 + Math.tanh(v * 0.7978845608 * (1.0 + 0.044715 * v * v))));
        }
    }

    /** HF's {@code gelu_new}: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. */
    public static void tanhApproximation(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1.0 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
        }
    }
}
