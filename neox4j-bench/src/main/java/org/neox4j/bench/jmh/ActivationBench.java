package org.neox4j.bench.jmh;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.neox4j.tensor.Gelu;
import org.neox4j.tensor.Norms;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The elementwise kernels of one decode step of Pythia-1.4B: GELU over 8192 values, LayerNorm over 2048. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:CompileCommand=quiet", "-XX:CompileCommand=inline,org.neox4j.tensor.VectorMath::exp",
        "-XX:CompileCommand=inline,org.neox4j.tensor.Widen::f16*",
        "-XX:CompileCommand=inline,org.neox4j.tensor.Gelu::vector*"})
public class ActivationBench {
    float[] source = new float[8192];
    float[] work = new float[8192];
    float[] w = new float[2048];
    float[] b = new float[2048];

    @Setup
    public void setUp() {
        Random r = new Random(4);
        for (int i = 0; i < source.length; i++) {
            source[i] = (float) (r.nextGaussian() * 2);
        }
        java.util.Arrays.fill(w, 1f);
    }

    @Benchmark
    public float[] geluExact() {
        System.arraycopy(source, 0, work, 0, work.length);
        Gelu.exact(work, 0, work.length);
        return work;
    }

    @Benchmark
    public float[] geluFast() {
        System.arraycopy(source, 0, work, 0, work.length);
        Gelu.fast(work, 0, work.length);
        return work;
    }

    @Benchmark
    public float[] layerNorm() {
        Norms.layerNorm(source, 0, 2048, w, b, 1e-5f, work, 0);
        return work;
    }
}
