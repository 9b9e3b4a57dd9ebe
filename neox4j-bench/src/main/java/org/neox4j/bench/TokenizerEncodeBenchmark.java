package org.neox4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.neox4j.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding throughput of the GPT-NeoX-20B tokenizer on 4 MB of English-like text, one thread.
 * Each invocation encodes the whole text and counts as 4 operations, so the score in ops/s is
 * megabytes (10^6 bytes) per second.
 *
 * <p>{@code encode} reuses one tokenizer, whose word cache is warm after the warm-up, as in a
 * long-running server; {@code encodeFreshTokenizer} starts each pass with a new tokenizer and an
 * empty cache (loading is not timed), as a command that tokenizes one document does.
 *
 * <pre>java -jar neox4j-bench/target/benchmarks.jar TokenizerEncodeBenchmark</pre>
 * Run from the repository root, or pass {@code -p tokenizer=PATH}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TokenizerEncodeBenchmark.TEXT_MB)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TokenizerEncodeBenchmark {
    static final int TEXT_MB = 4;

    /** The tokenizer file or model directory. */
    @Param("testdata/golden/tokenizer/20B_tokenizer.json")
    public String tokenizer;

    private Path tokenizerPath;
    private String text;
    private Tokenizer shared;

    @Setup(Level.Trial)
    public void setUp() {
        tokenizerPath = Path.of(tokenizer);
        if (!Files.exists(tokenizerPath)) {
            throw new IllegalStateException("no tokenizer at " + tokenizerPath.toAbsolutePath()
                    + ": run from the repository root or pass -p tokenizer=PATH");
        }
        text = EnglishLikeText.generate(TEXT_MB * 1_000_000, 20240601L);
        shared = Tokenizer.load(tokenizerPath);
    }

    /** A tokenizer loaded anew before each invocation, so its word cache starts empty. */
    @State(Scope.Thread)
    public static class FreshTokenizer {
        Tokenizer tokenizer;

        @Setup(Level.Invocation)
        public void load(TokenizerEncodeBenchmark benchmark) {
            tokenizer = Tokenizer.load(benchmark.tokenizerPath);
        }
    }

    @Benchmark
    public int[] encode() {
        return shared.encode(text);
    }

    @Benchmark
    public int[] encodeFreshTokenizer(FreshTokenizer fresh) {
        return fresh.tokenizer.encode(text);
    }
}
