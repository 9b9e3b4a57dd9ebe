package org.neox4j.tensor;

/**
 * The linear layer {@code y = x·Wᵀ + b} for {@code n} rows of activations at once, with the
 * weight matrix {@code W [out, in]} in any storage dtype. Output rows are split across the
 * worker pool.
 *
 * <p>Two kernels, by batch size: up to {@link #MATVEC_MAX_TOKENS} tokens (decoding), each weight
 * row is read once from memory in its storage dtype and dotted with every token's activations
 * ({@link RowDot}); for larger batches (prefill), weight panels are decoded once into a packed
 * float buffer and multiplied with all tokens by a register-tiled micro-kernel ({@link Gemm}).
 *
 * <p>Calls allocate nothing in steady state: each calling thread reuses one task object and its
 * buffers, and each worker thread its own packing scratch.
 */
public final class MatMul {
    /** Largest batch that uses the matrix-vector kernel; above it packing pays for itself. */
    static final int MATVEC_MAX_TOKENS = 4;
    /** Output rows handed to one task at a time in the matrix-vector kernel. */
    private static final int ROW_GRAIN = 16;

    private static final ThreadLocal<LinearTask> TASKS = ThreadLocal.withInitial(LinearTask::new);
    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[Gemm.scratchSize()]);

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
        if (bias != null && bias.length < out) {
            throw new IllegalArgumentException("linear " + w.name() + ": bias has " + bias.length + " values, needs " + out);
        }
        LinearTask task = TASKS.get();
        task.set(w, bias, x, n, y);
        try {
            if (n <= MATVEC_MAX_TOKENS) {
                task.matvec = true;
                if (RowDot.needsPairSplit(w.dtype())) {
                    task.xSplit = task.splitBuffer(n * in);
                    for (int t = 0; t < n; t++) {
                        RowDot.pairSplit(x, t * in, in, task.xSplit);
                    }
                }
                pool.parallelFor(out, ROW_GRAIN, task);
            } else {
                task.matvec = false;
                pool.parallelFor((out + Gemm.P - 1) / Gemm.P, task);
            }
        } finally {
            task.clear();
        }
    }

    /** One linear call's arguments, reused by its calling thread so that no lambda is allocated per call. */
    private static final class LinearTask implements WorkerPool.RangeTask {
        Tensor w;
        float[] bias;
        float[] x;
        float[] xSplit;
        int n;
        float[] y;
        boolean matvec;
        private float[] split = new float[0];

        void set(Tensor w, float[] bias, float[] x, int n, float[] y) {
            this.w = w;
            this.bias = bias;
            this.x = x;
            this.n = n;
            this.y = y;
            this.xSplit = null;
        }

        void clear() {
            set(null, null, null, 0, null);
        }

        float[] splitBuffer(int size) {
            if (split.length < size) {
                split = new float[size];
            }
            return split;
        }

        @Override
        public void run(int start, int end) {
            if (matvec) {
                rows(start, end);
            } else {
                float[] scratch = PACK.get();
                for (int p = start; p < end; p++) {
                    Gemm.panel(w, bias, x, n, y, p * Gemm.P, scratch);
                }
            }
        }

        private void rows(int start, int end) {
            int out = w.rows();
            int in = w.cols();
            long rowBytes = w.rowBytes();
            DType type = w.dtype();
            boolean finite = !w.hasNonFiniteF16();
            for (int o = start; o < end; o++) {
                float b = bias == null ? 0f : bias[o];
                for (int t = 0; t < n; t++) {
                    y[t * out + o] = RowDot.dot(type, w.data(), o * rowBytes, x, xSplit, t * in, in, finite) + b;
                }
            }
        }
    }
}
