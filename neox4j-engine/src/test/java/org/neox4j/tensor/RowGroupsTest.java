package org.neox4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row-grouped Q4_0 layout and its decode kernel: grouping is a lossless permutation (every
 * row decodes to exactly what GGML's layout decodes to), the activations are quantized exactly
 * as GGML's Q8_0, and the kernel computes llama.cpp's q4_0·q8_0 dot product, checked against a
 * transcription of its definition in double precision, with and without leftover rows, bias,
 * batches of up to 6 tokens (larger ones take the GEMM) and threads.
 */
class RowGroupsTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @BeforeEach
    void needsVectors() {
        assumeTrue(GroupDot.AVAILABLE, "row groups need 256-bit vectors");
    }

    private static Tensor plainQ4(Arena arena, int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 8f : 1f);
        }
        MemorySegment data = arena.allocate(DType.Q4_0.byteSize(x.length));
        for (int r = 0; r < rows; r++) {
            Quantize.row(DType.Q4_0, x, r * cols, cols, data, r * DType.Q4_0.byteSize(cols));
        }
        return new Tensor("w", DType.Q4_0, new long[] {rows, cols}, data);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"16, 32", "37, 96", "64, 256", "5, 64"})
    void groupingIsALosslessPermutation(int rows, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor plain = plainQ4(arena, rows, cols, rows * 31L + cols);
            Tensor grouped = RowGroups.pack(plain, arena, WorkerPool.single());
            assertNotNull(grouped);
            assertEquals(Tensor.Layout.ROW_GROUPS, grouped.layout());
            assertEquals(plain.byteSize(), grouped.byteSize());
            float[] expected = new float[rows * cols];
            float[] actual = new float[rows * cols];
            plain.toFloats(0, expected, 0, expected.length);
            grouped.toFloats(0, actual, 0, actual.length); // spans rows and the tail
            assertArrayEquals(expected, actual);
            for (int r = 0; r < rows; r++) {
                float[] row = new float[32];
                grouped.toFloats((long) r * cols + cols - 32, row, 0, 32);
                for (int i = 0; i < 32; i++) {
                    assertEquals(expected[r * cols + cols - 32 + i], row[i]);
                }
                assertEquals(expected[r * cols + 7], grouped.getFloat((long) r * cols + 7));
            }
            // a float source is quantized as Quantize does, then grouped
            Tensor fromFloats = RowGroups.pack(new Tensor("f", DType.F32, plain.shape(), floats(arena, expected)), arena, WorkerPool.single());
            float[] again = new float[rows * cols];
            fromFloats.toFloats(0, again, 0, again.length);
            float[] requantized = new float[rows * cols];
            Convert.to(new Tensor("f", DType.F32, plain.shape(), floats(arena, expected)), DType.Q4_0, arena, WorkerPool.single())
                    .toFloats(0, requantized, 0, requantized.length);
            assertArrayEquals(requantized, again);
        }
    }

    private static MemorySegment floats(Arena arena, float[] v) {
        MemorySegment s = arena.allocate(4L * v.length);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, v.length);
        return s;
    }

    @ParameterizedTest(name = "{0} values")
    @CsvSource({"32", "256", "4096"})
    void activationsAreQuantizedAsGgmlQ8_0(int n) {
        Random random = new Random(n);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 64 == 0 ? 0f : (float) random.nextGaussian() * 3;
        }
        for (int i = 32; i < 64 && i < n; i++) {
            x[i] = 0f; // an all-zero block: scale 0, values 0
        }
        short[] q = new short[n];
        float[] d = new float[n / 32];
        short[] c = new short[n / 32];
        GroupDot.quantize(x, 0, n, q, d, c);
        byte[] ggml = QuantizeTest.referenceQ8_0(x);
        for (int b = 0; b < n / 32; b++) {
            short h = (short) ((ggml[34 * b] & 0xFF) | (ggml[34 * b + 1] << 8));
            assertEquals(Float.float16ToFloat(h), d[b], "scale of block " + b);
            int low = 0;
            for (int j = 0; j < 16; j++) {
                low += ggml[34 * b + 2 + j];
            }
            assertEquals(8 * low, c[b], "offset of block " + b);
            for (int j = 0; j < 32; j++) {
                assertEquals(ggml[34 * b + 2 + j], q[32 * b + j], "value " + (32 * b + j));
            }
        }
    }

    /** llama.cpp's ggml_vec_dot_q4_0_q8_0, in double: Σ_b d_w·d_x·Σ_i (q_w - 8)·q_x. */
    private static double referenceDot(MemorySegment plain, long at, int cols, short[] xq, float[] dx, int xOff) {
        double sum = 0;
        for (int b = 0; b < cols / 32; b++, at += 18) {
            long s = 0;
            for (int i = 0; i < 16; i++) {
                int q = plain.get(ValueLayout.JAVA_BYTE, at + 2 + i) & 0xFF;
                s += (long) ((q & 15) - 8) * xq[xOff + 32 * b + i] + (long) ((q >> 4) - 8) * xq[xOff + 32 * b + 16 + i];
            }
            sum += (double) Float.float16ToFloat(plain.get(I16, at)) * dx[xOff / 32 + b] * s;
        }
        return sum;
    }

    @ParameterizedTest(name = "{0}x{1}, {2} tokens, {3} threads, bias {4}")
    @CsvSource({
        "16, 32, 1, 1, false",
        "48, 2048, 1, 2, true",
        "37, 96, 3, 2, true",
        "300, 512, 6, 2, false",
        "7, 64, 2, 1, true",
    })
    void kernelComputesLlamaCppsQ4Q8DotProduct(int rows, int cols, int tokens, int threads, boolean withBias) {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(threads)) {
            Tensor plain = plainQ4(arena, rows, cols, 7L * rows + cols);
            Tensor grouped = RowGroups.pack(plain, arena, pool);
            float[] x = gaussian(tokens * cols, rows);
            float[] bias = null;
            if (withBias) {
                bias = new float[rows];
                for (int r = 0; r < rows; r++) {
                    bias[r] = r * 0.25f - 3;
                }
            }
            float[] y = new float[tokens * rows];
            MatMul.linear(grouped, bias, x, tokens, y, pool);
            float[] yPlain = new float[tokens * rows];
            MatMul.linear(plain, bias, x, tokens, yPlain, pool);

            short[] xq = new short[x.length];
            float[] dx = new float[x.length / 32];
            short[] xc = new short[x.length / 32];
            for (int t = 0; t < tokens; t++) {
                GroupDot.quantize(x, t * cols, cols, xq, dx, xc);
            }
            long rowBytes = DType.Q4_0.byteSize(cols);
            double worstVsFloat = 0;
            double scale = 0;
            for (int t = 0; t < tokens; t++) {
                for (int r = 0; r < rows; r++) {
                    double expected = referenceDot(plain.data(), r * rowBytes, cols, xq, dx, t * cols) + (bias == null ? 0 : bias[r]);
                    float actual = y[t * rows + r];
                    assertEquals(expected, actual, 1e-5 * (Math.abs(expected) + Math.sqrt(cols)),
                            "row " + r + " token " + t);
                    worstVsFloat = Math.max(worstVsFloat, Math.abs(actual - yPlain[t * rows + r]));
                    scale = Math.max(scale, Math.abs(yPlain[t * rows + r]));
                }
            }
            // 8-bit activations move the result by well under a percent of its scale
            assertTrue(worstVsFloat <= 0.02 * scale + 1e-3, "vs float activations: " + worstVsFloat + " at scale " + scale);
        }
    }

    @ParameterizedTest(name = "{0}x{1}, {2} tokens")
    @CsvSource({"64, 512, 40", "37, 96, 20", "300, 2048, 33"})
    void prefillGivesExactlyThePlainLayoutsResult(int rows, int cols, int tokens) {
        // the GEMM decodes row groups into its panels 16 rows at a time: the same floats as the plain layout
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            Tensor plain = plainQ4(arena, rows, cols, 3L * rows + cols);
            Tensor grouped = RowGroups.pack(plain, arena, pool);
            float[] x = gaussian(tokens * cols, cols);
            float[] expected = new float[tokens * rows];
            float[] actual = new float[tokens * rows];
            MatMul.linear(plain, null, x, tokens, expected, pool);
            MatMul.linear(grouped, null, x, tokens, actual, pool);
            assertArrayEquals(expected, actual);
        }
    }

    @ParameterizedTest(name = "scale bits {0}")
    @CsvSource({"31744", "32256", "-1024"}) // +inf, NaN, -inf
    void aNonFiniteScaleKeepsThePlainLayout(short bits) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor plain = plainQ4(arena, 32, 64, 1);
            plain.data().set(I16, 18L * 2 * 5, bits); // row 5, block 0
            assertNull(RowGroups.pack(plain, arena, WorkerPool.single()));
        }
    }

    @org.junit.jupiter.api.Test
    void onlyWholeQ4BlocksCanBeGrouped() {
        assertTrue(RowGroups.supports(DType.Q4_0, 64));
        assertTrue(!RowGroups.supports(DType.Q4_0, 48));
        assertTrue(!RowGroups.supports(DType.Q8_0, 64));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(DType.Q8_0.byteSize(64 * 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Tensor("w", DType.Q8_0, new long[] {4, 64}, data, Tensor.Layout.ROW_GROUPS));
            assertTrue(e.getMessage().contains("cannot be row-grouped"), e.getMessage());
        }
    }

    /** {@code n} standard normal activations from {@code seed}. */
    private static float[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }
}
