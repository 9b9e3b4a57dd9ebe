package org.neox4j.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both linear kernels (matrix-vector for decode, packed GEMM for prefill) in every dtype, on
 * shapes with ragged edges (rows not a multiple of the panel, columns not a multiple of the
 * vector width or of the GEMM column block, token counts not a multiple of the tile), with 1
 * and 3 threads, against a double-precision reference on the same decoded weights.
 */
class MatMulTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        int[][] shapes = {{72, 96}, {33, 64}, {130, 544}, {7, 32}};
        int[] tokens = {1, 3, 4, 5, 6, 13, 40};
        for (DType type : DType.values()) {
            for (int[] s : shapes) {
                for (int n : tokens) {
                    b.add(Arguments.of(type, s[0], s[1], n));
                }
            }
            if (!type.isQuantized()) {
                b.add(Arguments.of(type, 19, 37, 1));  // odd widths: scalar tails of the 16-bit pair kernels
                b.add(Arguments.of(type, 19, 37, 9));
                b.add(Arguments.of(type, 19, 70, 2));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}x{2} n={3}")
    @MethodSource("cases")
    void linearMatchesReference(DType type, int out, int in, int n) {
        try (Arena arena = Arena.ofShared(); WorkerPool three = new WorkerPool(3)) {
            Tensor w = KernelFixtures.matrix(type, out, in, out * 31L + in, arena);
            float[] bias = KernelFixtures.vector(out, 5);
            float[] x = KernelFixtures.vector(n * in, 7 + n);
            double[] expected = KernelFixtures.reference(w, bias, x, n);
            for (WorkerPool pool : new WorkerPool[] {WorkerPool.single(), three}) {
                float[] y = new float[n * out];
                MatMul.linear(w, bias, x, n, y, pool);
                for (int i = 0; i < y.length; i++) {
                    // float32 accumulation of `in` terms of magnitude ~1: error ~ sqrt(in)·2^-24·|terms|
                    double tol = 2e-6 * in;
                    assertTrue(Math.abs(y[i] - expected[i]) <= tol, type + " " + out + "x" + in + " n=" + n + " threads="
                            + pool.threads() + " at " + i + ": " + y[i] + " vs " + expected[i]);
                }
            }
        }
    }
}
