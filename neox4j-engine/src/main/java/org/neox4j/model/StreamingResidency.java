package org.neox4j.model;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.neox4j.Neox4jException;
import org.neox4j.format.MappedFile;
import org.neox4j.format.TensorStore;
import org.neox4j.os.NativeMemory;

/**
 * Streams memory-mapped weights under a budget. The stages of a forward pass (each layer's
 * matrices, then the head) are visited in a cycle; a window of {@code window} consecutive stages
 * is resident at a time: entering stage s waits until s is paged in and asks a read-ahead thread
 * to page in the next stages ({@code madvise(MADV_WILLNEED)}, then a read of every page), while
 * leaving a stage releases it ({@code madvise(MADV_DONTNEED)} drops it from this process and
 * {@code posix_fadvise(POSIX_FADV_DONTNEED)} from the page cache). The window is the budget
 * divided by the largest stage. The embedding matrix is not streamed: a token reads one row.
 */
final class StreamingResidency implements LayerResidency {
    /** The stages this model holds, in forward order; stage ids (layer index, or the layer count for the head) map to positions here. */
    private final List<List<MemorySegment>> stages = new ArrayList<>();
    private final int[] positionOf;
    private final long largestStage;
    private final long budget;
    private final int window;
    private final CompletableFuture<?>[] loading;
    private final ExecutorService reader;
    private final List<MappedFile> files;
    private final Map<MappedFile, Integer> descriptors = new HashMap<>();

    StreamingResidency(ModelWeights weights, int numLayers, TensorStore store, long budget) {
        positionOf = new int[numLayers + 1];
        java.util.Arrays.fill(positionOf, -1);
        for (LayerWeights l : weights.layers()) {
            positionOf[weights.firstLayer() + stages.size()] = stages.size();
            stages.add(List.of(l.qkv().data(), l.attnOut().data(), l.mlpUp().data(), l.mlpDown().data()));
        }
        if (weights.hasEnds()) {
            positionOf[numLayers] = stages.size();
            stages.add(List.of(weights.embedOut().data()));
        }
        long largest = 0;
        for (List<MemorySegment> stage : stages) {
            largest = Math.max(largest, bytes(stage));
        }
        this.largestStage = largest;
        this.budget = budget;
        if (budget < largest) {
            throw new Neox4jException("--max-resident " + gib(budget) + " is smaller than one layer of this model ("
                    + gib(largest) + "); streaming needs room for at least one layer");
        }
        this.window = (int) Math.min(stages.size(), budget / largest);
        this.loading = new CompletableFuture<?>[stages.size()];
        this.files = store.mappedFiles();
        for (MappedFile f : files) {
            NativeMemory.openForAdvice(f.path()).ifPresent(fd -> descriptors.put(f, fd));
        }
        this.reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "neox4j-read-ahead");
            t.setDaemon(true);
            return t;
        });
        // Nothing is resident yet: drop what loading (widening the norms) or earlier runs left mapped.
        for (int s = 0; s < stages.size(); s++) {
            release(s);
        }
    }

    @Override
    public synchronized void enter(int stageId) {
        int stage = positionOf[stageId];
        if (stage < 0) {
            return;
        }
        int n = stages.size();
        // Release anything outside the window [stage, stage + window), e.g. a head skipped by a pass without logits.
        for (int s = 0; s < n; s++) {
            int ahead = Math.floorMod(s - stage, n);
            if (loading[s] != null && ahead >= window) {
                await(loading[s]);
                release(s);
            }
        }
        for (int k = 0; k < window; k++) {
            int s = (stage + k) % n;
            if (loading[s] == null) {
                List<MemorySegment> segments = stages.get(s);
                // Ask the kernel for the whole window at once (asynchronous reads, a deep disk queue);
                // the read-ahead thread then waits for each stage's pages in turn.
                for (MemorySegment m : segments) {
                    NativeMemory.madvise(m, NativeMemory.MADV_WILLNEED);
                }
                loading[s] = CompletableFuture.runAsync(() -> pageIn(segments), reader);
            }
        }
        await(loading[stage]);
    }

    @Override
    public synchronized void leave(int stageId) {
        int stage = positionOf[stageId];
        if (stage >= 0 && window < stages.size() && loading[stage] != null) {
            await(loading[stage]);
            release(stage);
        }
    }

    private static void pageIn(List<MemorySegment> segments) {
        for (MemorySegment m : segments) {
            NativeMemory.touch(m);
        }
    }

    private void release(int stage) {
        loading[stage] = null;
        for (MemorySegment m : stages.get(stage)) {
            NativeMemory.madvise(m, NativeMemory.MADV_DONTNEED);
            for (MappedFile f : files) {
                Integer fd = descriptors.get(f);
                if (fd != null && f.contains(m)) {
                    NativeMemory.fadvise(fd, f.offsetOf(m), m.byteSize(), NativeMemory.POSIX_FADV_DONTNEED);
                }
            }
        }
    }

    private static void await(CompletableFuture<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Neox4jException("interrupted while reading weights");
        } catch (ExecutionException e) {
            throw new Neox4jException("reading weights failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public String describe() {
        if (window >= stages.size()) {
            return String.format(Locale.ROOT, "stream: the whole model (%s) fits the budget %s; nothing is released",
                    gib(total()), gib(budget));
        }
        return String.format(Locale.ROOT, "stream: at most %d of %d stages (layers + head) resident, largest %s, %s of %s budget;"
                + " the next %d read ahead, each released after use%s", window, stages.size(), gib(largestStage),
                gib(window * largestStage), gib(budget), window - 1,
                NativeMemory.available() ? "" : " (no madvise on this OS: the OS decides)");
    }

    private long total() {
        long t = 0;
        for (List<MemorySegment> s : stages) {
            t += bytes(s);
        }
        return t;
    }

    private static long bytes(List<MemorySegment> stage) {
        long b = 0;
        for (MemorySegment m : stage) {
            b += m.byteSize();
        }
        return b;
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    @Override
    public void close() {
        reader.shutdownNow();
        descriptors.values().forEach(NativeMemory::close);
    }

}
