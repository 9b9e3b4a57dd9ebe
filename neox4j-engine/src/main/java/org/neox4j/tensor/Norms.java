package org.neox4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Normalisation kernels. */
public final class Norms {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Norms() {
    }

    /**
     * LayerNorm of {@code dim} values: {@code (x - mean) / sqrt(var + eps) · w + b} with the biased
     * variance, as torch.nn.LayerNorm. Two passes (mean, then the mean of squared deviations),
     * accumulated in float vector lanes: each lane sums dim/L values, well inside tolerance.
     */
    public static void layerNorm(float[] x, int xOff, int dim, float[] w, float[] b, float eps, float[] out, int outOff) {
        int step = F.length();
        int bound = dim - dim % step;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i < bound; i += step) {
            acc = acc.add(FloatVector.fromArray(F, x, xOff + i));
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            sum += x[xOff + i];
        }
        float mean = sum / dim;
        acc = FloatVector.zero(F);
        for (i = 0; i < bound; i += step) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(mean);
            acc = d.fma(d, acc);
        }
        float var = acc.reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            float d = x[xOff + i] - mean;
            var += d * d;
        }
        var /= dim;
        float rstd = (float) (1.0 / Math.sqrt(var + eps));
        for (i = 0; i < bound; i += step) {
            FloatVector.fromArray(F, x, xOff + i).sub(mean).mul(rstd)
                    .fma(FloatVector.fromArray(F, w, i), FloatVector.fromArray(F, b, i))
                    .intoArray(out, outOff + i);
        }
        for (; i < dim; i++) {
            out[outOff + i] = (x[xOff + i] - mean) * rstd * w[i] + b[i];
        }
    }

    private static final ThreadLocal<RowsTask> TASKS = ThreadLocal.withInitial(RowsTask::new);

    /** LayerNorm of {@code n} rows of {@code dim} values, rows split across the pool. */
    public static void layerNormRows(float[] x, int n, int dim, float[] w, float[] b, float eps, float[] out, WorkerPool pool) {
        RowsTask task = TASKS.get();
        task.x = x;
        task.dim = dim;
        task.w = w;
        task.b = b;
        task.eps = eps;
        task.out = out;
        try {
            pool.parallelFor(n, task);
        } finally {
            task.x = null;
            task.out = null;
        }
    }

    private static final class RowsTask implements WorkerPool.RangeTask {
        float[] x;
        int dim;
        float[] w;
        float[] b;
        float eps;
        float[] out;

        @Override
        public void run(int start, int end) {
            for (int r = start; r < end; r++) {
                layerNorm(x, r * dim, dim, w, b, eps, out, r * dim);
            }
        }
    }
}
