package org.neox4j.bench.jmh;

import java.lang.foreign.Arena;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.MatMul;
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
 * Prefill's matrix-matrix product: 2048 × 2048 weights (Pythia-1.4B's attention output) times
 * a batch of tokens. FLOP/s = 2 · 2048 · 2048 · tokens / time: compare with the FMA peak
 * (about 93 GFLOP/s per core here).
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
public class GemmBench {
    @Param({"F32", "F16", "Q8_0", "Q4_0"})
    public String dtype;

    @Param({"1", "2"})
    public int threads;

    @Param({"128", "512"})
    public int tokens;

    static final int N = 2048;

    Arena arena;
    Tensor w;
    float[] x;
    float[] y;
    WorkerPool pool;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        w = MatVecBench.randomMatrix(DType.valueOf(dtype), N, N, arena);
        x = new float[tokens * N];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        y = new float[tokens * N];
        pool = threads == 1 ? WorkerPool.single() : new WorkerPool(threads);
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
