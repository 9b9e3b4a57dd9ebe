package org.neox4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.gguf.GgmlType;
import org.neox4j.loader.ModelLoader;
import org.neox4j.os.MemoryInfo;
import org.neox4j.os.NativeMemory;
import org.neox4j.testing.SyntheticGguf;

/**
 * What the repack cache keeps resident, measured on a synthesized 58 MB Q4_0 model with the
 * file-backed resident memory (RssFile of /proc/self/status): writing the cache maps about one
 * matrix of the model beyond what loading it maps anyway (reading the norms and biases maps
 * neighbouring pages: the kernel's fault-around); using it maps the cache file in place of the
 * model's Q4_0 matrices, not beside them.
 */
class RepackCacheRssTest {
    private static final long MIB = 1 << 20;
    /** Mapped pages beside the weights that may come and go (class data, libraries) and partial pages at tensor edges. */
    private static final long SLACK = 8 * MIB;

    @TempDir
    Path dir;

    private static long residentFile() {
        return MemoryInfo.residentFile().orElseThrow();
    }

    @Test
    void writingMapsAboutOneMatrixMoreThanLoadingAndUsingItMapsTheCacheInsteadOfTheModel() throws Exception {
        assumeTrue(MemoryInfo.residentFile().isPresent() && NativeMemory.available(), "needs Linux /proc and madvise");
        Config c = new Config(1024, 1024, 8, 8, 4096, 32, 10000, RopeScaling.NONE, 64, 1e-5, true,
                Activation.GELU_FAST, false, true, 0, List.of(0));
        Path model = dir.resolve("synthetic-q4_0.gguf");
        SyntheticGguf.write(model, c, GgmlType.Q4_0, 11);
        long modelBytes = Files.size(model);
        long largestMatrix = 4096L * 1024 / 32 * 18;
        Path cacheDir = dir.resolve("cache");

        long before = residentFile();
        long loading;
        long matrixBytes;
        try (NeoxModel plain = ModelLoader.load(model, LoadOptions.defaults().withThreads(2))) {
            loading = residentFile() - before;
            matrixBytes = plain.weights().bytesPerToken();
        }

        long base = residentFile();
        AtomicLong peak = new AtomicLong(base);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(residentFile(), Math::max);
                Thread.onSpinWait();
            }
        });
        try (NeoxModel written = ModelLoader.load(model, LoadOptions.defaults().withThreads(2).withRepackCache(cacheDir))) {
            sampling.set(false);
            sampler.join();
            long writing = peak.get() - base;
            System.out.printf("repack cache: model %.1f MiB; file pages mapped by loading %.1f MiB, while writing at most %.1f MiB%n",
                    modelBytes / (double) MIB, loading / (double) MIB, writing / (double) MIB);
            assertTrue(written.memoryReport().contains("(written at this load)"), written.memoryReport());
            assertTrue(writing <= loading + 2 * largestMatrix + SLACK, "writing the cache mapped " + writing / MIB
                    + " MiB of file pages, more than loading's " + loading / MIB + " MiB and about one matrix ("
                    + largestMatrix / MIB + " MiB)");
        }

        long cacheBytes;
        try (Stream<Path> files = Files.list(cacheDir)) {
            cacheBytes = Files.size(files.findFirst().orElseThrow());
        }
        base = residentFile();
        try (NeoxModel cached = ModelLoader.load(model, LoadOptions.defaults().withThreads(2).withRepackCache(cacheDir))) {
            long using = base;
            for (int pass = 0; pass < 2; pass++) {
                cached.network().forward(List.of(new GptNeoX.Chunk(cached.network().newCache(8), new int[] {1, 2, 3})),
                        ForwardOptions.LAST_LOGITS);
                using = Math.max(using, residentFile());
            }
            long growth = using - base;
            long rest = modelBytes - matrixBytes; // what the cache does not replace: embedding, norms, biases
            System.out.printf("repack cache: file %.1f MiB, rest of the model %.1f MiB, file pages mapped in use %.1f MiB%n",
                    cacheBytes / (double) MIB, rest / (double) MIB, growth / (double) MIB);
            assertTrue(growth >= cacheBytes * 9 / 10, "the mapped cache file is read: grew " + growth / MIB + " MiB");
            assertTrue(growth <= cacheBytes + rest + SLACK, "in use the cache replaces the model's matrices: grew "
                    + growth / MIB + " MiB for a " + cacheBytes / MIB + " MiB cache file and " + rest / MIB + " MiB of the rest");
        }
    }
}
