package org.neox4j.model;

import org.neox4j.loader.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.os.MemoryInfo;
import org.neox4j.os.NativeMemory;
import org.neox4j.testing.SyntheticGguf;

/**
 * Streaming keeps the weights resident in this process under the budget, measured: a synthesized
 * 100 MB model runs with a 24 MiB budget while the file-backed resident memory (RssFile of
 * /proc/self/status) is sampled from before loading through every step of two forward passes. The same model memory-mapped
 * without streaming goes far over, which shows the measurement sees the weights.
 */
class StreamingRssTest {
    private static final long MIB = 1 << 20;
    /** Mapped pages beside the weights that may come and go (class data, libraries) and partial pages at tensor edges. */
    private static final long SLACK = 8 * MIB;

    @TempDir
    static Path dir;

    private static Path model() {
        Path file = dir.resolve("synthetic-100mb.gguf");
        if (!file.toFile().exists()) {
            Config c = new Config(1024, 512, 8, 8, 2048, 16, 10000, RopeScaling.NONE, 64, 1e-5, true,
                    Activation.GELU_FAST, false, true, 0, List.of(0));
            SyntheticGguf.write(file, c, 7);
        }
        return file;
    }

    /** The largest growth of RssFile over {@code base}, sampled during two forward passes. */
    private static long peakGrowth(NeoxModel model, long base) {
        AtomicLong peak = new AtomicLong(base);
        ForwardProbe probe = (name, layer, data, rows, width) ->
                peak.accumulateAndGet(MemoryInfo.residentFile().orElseThrow(), Math::max);
        for (int pass = 0; pass < 2; pass++) {
            model.network().forward(List.of(new GptNeoX.Chunk(model.network().newCache(8), new int[] {1, 2, 3})),
                    ForwardOptions.LAST_LOGITS.withProbe(probe));
            peak.accumulateAndGet(MemoryInfo.residentFile().orElseThrow(), Math::max);
        }
        return peak.get() - base;
    }

    @Test
    void streamingStaysUnderTheBudget() {
        assumeTrue(MemoryInfo.residentFile().isPresent() && NativeMemory.available(), "needs Linux /proc and madvise");
        long budget = 24 * MIB;
        Path file = model();
        long base = MemoryInfo.residentFile().orElseThrow();
        try (NeoxModel model = ModelLoader.load(file, LoadOptions.defaults().withThreads(1).withStreaming(budget))) {
            long growth = peakGrowth(model, base);
            System.out.printf("stream, budget %d MiB: weights resident at most %.1f MiB (%s)%n", budget / MIB,
                    growth / (double) MIB, model.memoryReport());
            assertTrue(growth <= budget + SLACK, "resident file pages grew by " + growth / MIB + " MiB, over the "
                    + budget / MIB + " MiB budget");
        }
    }

    @Test
    void memoryMappedModelGoesOverTheSameBudget() {
        assumeTrue(MemoryInfo.residentFile().isPresent(), "needs Linux /proc");
        Path file = model();
        long base = MemoryInfo.residentFile().orElseThrow();
        try (NeoxModel model = ModelLoader.load(file, LoadOptions.defaults().withThreads(1))) {
            long growth = peakGrowth(model, base);
            System.out.printf("mmap: weights resident %.1f MiB%n", growth / (double) MIB);
            assertTrue(growth > 80 * MIB, "a mapped 100 MB model should have most of its pages resident, grew " + growth / MIB + " MiB");
        }
    }
}
