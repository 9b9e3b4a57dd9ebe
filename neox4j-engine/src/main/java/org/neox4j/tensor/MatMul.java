package org.neox4j.tensor;

/**
 * The linear layer {@code y = x·Wᵀ + b} for {@code n} rows of activations at once, with the
 * weight matrix {@code W [out, in]} in any storage dtype. Output rows are split across the
 * worker pool; each weight row is widened once and applied to all {@code n} activation rows,
 * so prefill reads the weights once rather than once per token.
 */
public final class MatMul {
    /** Output features handed to one task at a time; keeps a widened row block in L1/L2. */
    private static final int ROW_GRAIN = 16;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private MatMul() {
    }

    /**
     * {@code y[t·out + o] = Σ_i W[o, i]·x[t·in + i] + bias[o]} for t in [0, n).
     *
     * @param bias {@code out} values, or null for none
     */
    public static void linear(Tensor w, float[] bias, float[] x, int n, float[] y, WorkerPool pool) {
        int out = w.rows();
        int in = w.cols();
        if (x.length < (long) n * in || y.length < (long) n * out) {
            throw new IllegalArgumentException("linear " + w.name() + ": activation buffers too small for " + n + " rows");
        }
        pool.parallelFor(out, ROW_GRAIN, (start, end) -> rows(w, bias, x, n, in, y, out, start, end));
    }

    private static void rows(Tensor w, float[] bias, float[] x, int n, int in, float[] y, int out, int start, int end) {
        if (w.dtype() == DType.F32) {
            for (int o = start; o < end; o++) {
                long rowOffset = (long) o * in * 4;
                float b = bias == null ? 0f : bias[o];
                for (int t = 0; t < n; t++) {
                    y[t * out + o] = VectorMath.dot(w.data(), rowOffset, x, t * in, in) + b;
                }
            }
            return;
        }
        float[] row = scratch(in);
        for (int o = start; o < end; o++) {
            w.toFloats((long) o * in, row, 0, in);
            float b = bias == null ? 0f : bias[o];
            for (int t = 0; t < n; t++) {
                y[t * out + o] = VectorMath.dot(row, 0, x, t * in, in) + b;
            }
        }
    }

    private static float[] scratch(int size) {
        float[] s = SCRATCH.get();
        if (s.length < size) {
            s = new float[size];
            SCRATCH.set(s);
        }
        return s;
    }
}
