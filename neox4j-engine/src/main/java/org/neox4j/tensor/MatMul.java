package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The linear layer {@code y = x·Wᵀ + b} for {@code n} rows of activations at once, with the
 * weight matrix {@code W [out, in]} in any storage dtype. Output rows are split across the
 * worker pool.
 *
 * <p>Three kernels, by layout and batch size: up to {@link #MATVEC_MAX_TOKENS} tokens (decoding),
 * each weight row is read once from memory in its storage dtype and dotted with every token's
 * activations ({@link RowDot}); a row-grouped Q4_0 matrix ({@link RowGroups}) up to
 * {@link #GROUPED_MATVEC_MAX_TOKENS} tokens takes the integer kernel with 8-bit activations
 * ({@link GroupDot}); for larger batches (prefill), weight panels are decoded once into a packed
 * float buffer and multiplied with all tokens by a register-tiled micro-kernel ({@link Gemm}).
 *
 * <p>Calls allocate nothing in steady state: each calling thread reuses one task object and its
 * buffers, and each worker thread its own packing scratch.
 */
public final class MatMul {
    /** Largest batch that uses the matrix-vector kernel; above it packing pays for itself. */
    static final int MATVEC_MAX_TOKENS = 16;
    /**
     * The same for row-grouped Q4_0 ({@link GroupDot}), whose integer kernel is compute-bound
     * per token while the GEMM decodes its panels with a few vector operations per 16 rows: on
     * an 8192 × 8192 matrix, 2 threads, the GEMM was faster from 8 tokens (10.4 vs 11.6 ms) and
     * far slower at 1–4 (e.g. 10.6 vs 6.0 ms at 4).
     */
    static final int GROUPED_MATVEC_MAX_TOKENS = 6;
    /** Output rows handed to one task at a time in the matrix-vector kernel. */
    private static final int ROW_GRAIN = 16;
    /** Row groups ({@link RowGroups#ROWS} rows each) handed to one task at a time. */
    private static final int GROUP_GRAIN = 2;

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
            if (n <= GROUPED_MATVEC_MAX_TOKENS && w.layout() == Tensor.Layout.ROW_GROUPS) {
                task.matvec = true;
                task.grouped = true;
                task.quantizeActivations(n * in);
                for (int t = 0; t < n; t++) {
                    GroupDot.quantize(x, t * in, in, task.xq, task.dx, task.xc);
                }
                int groups = out / RowGroups.ROWS;
                pool.parallelFor(groups + (out % RowGroups.ROWS == 0 ? 0 : 1), GROUP_GRAIN, task);
            } else if (n <= MATVEC_MAX_TOKENS && w.layout() == Tensor.Layout.ROWS) {
                task.matvec = true;
                if (RowDot.needsPairSplit(w.dtype())) {
                    task.xSplit = task.splitBuffer(n * in);
                    for (int t = 0; t < n; t++) {
                        RowDot.pairSplit(x, t * in, in, task.xSplit);
                    }
                } else if (w.dtype() == DType.Q4_0) {
                    task.xSums = task.sumBuffer(n * in / 32);
                    for (int blk = 0; blk < n * in / 32; blk++) {
                        float sum = 0;
                        for (int i = 0; i < 32; i++) {
                            sum += x[32 * blk + i];
                        }
                        task.xSums[blk] = sum;
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
        float[] xSums;
        int n;
        float[] y;
        boolean matvec;
        boolean grouped;
        short[] xq = new short[0];
        float[] dx = new float[0];
        short[] xc = new short[0];
        private float[] split = new float[0];
        private float[] sums = new float[0];

        void set(Tensor w, float[] bias, float[] x, int n, float[] y) {
            this.w = w;
            this.bias = bias;
            this.x = x;
            this.n = n;
            this.y = y;
            this.xSplit = null;
            this.xSums = null;
            this.grouped = false;
        }

        void quantizeActivations(int size) {
            if (xq.length < size) {
                xq = new short[size];
                dx = new float[size / 32];
                xc = new short[size / 32];
            }
        }

        void clear() {
            set(null, null, null, 0, null);
        }

        float[] sumBuffer(int size) {
            if (sums.length < size) {
                sums = new float[size];
            }
            return sums;
        }

        float[] splitBuffer(int size) {
            if (split.length < size) {
                split = new float[size];
            }
            return split;
        }

        @Override
        public void run(int start, int end) {
            if (grouped) {
                groups(start, end);
            } else if (matvec) {
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
            // Four sequential streams per thread, rows start+i, start+q+i, start+2q+i, start+3q+i:
            // one stream per thread does not keep enough cache lines in flight to reach the memory
            // bandwidth. Tokens are the inner loop, so a batch re-reads rows from cache, not memory.
            int q = (end - start) / 4;
            boolean four = RowDot4.supports(type, in, finite);
            for (int i = 0; i < q; i++) {
                for (int t = 0; t < n; t++) {
                    if (four) {
                        RowDot4.dot4(type, w.data(), rowBytes, start + i, q, x, xSplit, xSums, t * in, in, bias, y, t * out);
                    } else {
                        for (int k = 0; k < 4; k++) {
                            row(type, start + k * q + i, t, finite);
                        }
                    }
                }
            }
            for (int o = start + 4 * q; o < end; o++) {
                for (int t = 0; t < n; t++) {
                    row(type, o, t, finite);
                }
            }
        }

        private void groups(int start, int end) {
            int out = w.rows();
            int in = w.cols();
            int groups = out / RowGroups.ROWS;
            MemorySegment data = w.data();
            for (int g = start; g < end; g++) {
                if (g == groups) {
                    // rows past the last whole group, in GGML's layout
                    for (int o = groups * RowGroups.ROWS; o < out; o++) {
                        for (int t = 0; t < n; t++) {
                            y[t * out + o] = GroupDot.plainRow(data, RowGroups.tailRowOffset(o, in), in, xq, dx, t * in)
                                    + (bias == null ? 0f : bias[o]);
                        }
                    }
                    continue;
                }
                long at = RowGroups.groupOffset(g, in);
                int o0 = g * RowGroups.ROWS;
                for (int t = 0; t < n; t++) {
                    GroupDot.group(data, at, in, xq, dx, xc, t * in, y, t * out + o0);
                    if (bias != null) {
                        for (int k = 0; k < RowGroups.ROWS; k++) {
                            y[t * out + o0 + k] += bias[o0 + k];
                        }
                    }
                }
            }
        }

        private void row(DType type, int o, int t, boolean finite) {
            int out = w.rows();
            int in = w.cols();
            float b = bias == null ? 0f : bias[o];
            y[t * out + o] = RowDot.dot(type, w.data(), o * w.rowBytes(), x, xSplit, xSums, t * in, in, finite) + b;
        }
    }
}
