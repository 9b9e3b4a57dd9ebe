package org.neox4j.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.MatMul;
import org.neox4j.tensor.Quantize;
import org.neox4j.tensor.RowGroups;
import org.neox4j.tensor.Tensor;
import org.neox4j.tensor.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode's matrix-vector product (one token) per weight dtype, on a matrix far larger than the
 * caches (8192 × 8192 weights, Pythia-1.4B's MLP is 8192 × 2048), so each call streams the
 * weights from memory. Bytes of weights per second = matrix bytes / time: compare with
 * {@code neox4j bench}'s bandwidth probe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,org.neox4j.tensor.VectorMath::exp",
        "-XX:CompileCommand=inline,org.neox4j.tensor.Widen::f16*",
        "-XX:CompileCommand=inline,org.neox4j.tensor.Gelu::vector*"})
public class MatVecBench {
    /** Q4_0_GROUPED: Q4_0 in the row-grouped layout made at load (RowGroups), with 8-bit activations. */
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_0_GROUPED"})
    public String dtype;

    @Param({"1", "2"})
    public int threads;

    @Param({"1"})
    public int tokens;

    static final int ROWS = 8192;
    static final int COLS = 8192;

    Arena arena;
    Tensor w;
    float[] x;
    float[] y;
    WorkerPool pool;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        boolean grouped = dtype.equals("Q4_0_GROUPED");
        DType type = grouped ? DType.Q4_0 : DType.valueOf(dtype);
        w = randomMatrix(type, ROWS, COLS, arena);
        if (grouped) {
            w = RowGroups.pack(w, arena, WorkerPool.single());
        }
        x = new float[tokens * COLS];
        Random r = new Random(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        y = new float[tokens * ROWS];
        pool = threads == 1 ? WorkerPool.single() : new WorkerPool(threads);
    }

    static Tensor randomMatrix(DType type, int rows, int cols, Arena arena) {
        Random r = new Random(1);
        MemorySegment seg = arena.allocate(type.byteSize((long) rows * cols), 64);
        float[] row = new float[cols];
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) (r.nextGaussian() * 0.02);
            }
            Quantize.row(type, row, 0, cols, seg, o * type.byteSize(cols));
        }
        return new Tensor("w", type, new long[] {rows, cols}, seg);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float[] linear() {
        MatMul.linear(w, null, x, tokens, y, pool);
        return y;
    }
}
