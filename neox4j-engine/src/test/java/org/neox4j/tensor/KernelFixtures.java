package org.neox4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Random weight matrices in every dtype for kernel tests, with their exact float values. */
final class KernelFixtures {
    private KernelFixtures() {
    }

    /** A {@code rows × cols} matrix stored as {@code type} in {@code arena}, from N(0, 1) values. */
    static Tensor matrix(DType type, int rows, int cols, long seed, Arena arena) {
        Random r = new Random(seed);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        MemorySegment seg = arena.allocate(Math.max(1, type.byteSize((long) rows * cols)));
        for (int o = 0; o < rows; o++) {
            Quantize.row(type, x, o * cols, cols, seg, o * type.byteSize(cols));
        }
        return new Tensor("w", type, new long[] {rows, cols}, seg.asSlice(0, type.byteSize((long) rows * cols)));
    }

    static float[] vector(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** y = x·Wᵀ + b in double, from the stored (decoded) weights: the reference for every kernel path. */
    static double[] reference(Tensor w, float[] bias, float[] x, int n) {
        int out = w.rows();
        int in = w.cols();
        float[] row = new float[in];
        double[] y = new double[n * out];
        for (int o = 0; o < out; o++) {
            w.toFloats((long) o * in, row, 0, in);
            for (int t = 0; t < n; t++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    s += (double) row[i] * x[t * in + i];
                }
                y[t * out + o] = s;
            }
        }
        return y;
    }
}
