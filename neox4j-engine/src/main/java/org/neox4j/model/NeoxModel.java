package org.neox4j.model;

import java.nio.file.Path;
import java.util.Optional;
import org.neox4j.format.TensorStore;
import org.neox4j.tensor.Tensor;
import org.neox4j.tensor.WorkerPool;

/**
 * A loaded GPT-NeoX model: its config, its weights (mapped from the files) and the forward
 * pass over them. Closing it unmaps the weights and stops its worker threads.
 */
public final class NeoxModel implements AutoCloseable {
    private final Path path;
    private final Config config;
    private final TensorStore store;
    private final GptNeoX network;
    private final WorkerPool pool;
    private final Path tokenizerFile;
    private final LayerResidency residency;
    private final String memoryReport;
    /** Weights held beside the store's mappings (copies in RAM, the mapped repack cache), or null. */
    private final HeldWeights held;

    private NeoxModel(Path path, Config config, TensorStore store, GptNeoX network, WorkerPool pool, Path tokenizerFile,
            HeldWeights held, LayerResidency residency, String memoryReport) {
        this.held = held;
        this.path = path;
        this.config = config;
        this.store = store;
        this.network = network;
        this.pool = pool;
        this.tokenizerFile = tokenizerFile;
        this.residency = residency;
        this.memoryReport = memoryReport;
    }

    /**
     * A model over the weights of {@code store} (which it then owns and closes), whose fused QKV
     * rows are in Hugging Face's per-head order. Format detection lives in
     * {@code org.neox4j.loader.ModelLoader}; this is the step every format shares.
     *
     * @param tokenizerFile the tokenizer file shipped with the model, or null
     */
    public static NeoxModel assemble(Path path, Config config, TensorStore store, Path tokenizerFile, LoadOptions options) {
        return assemble(path, config, store, QkvLayout.PER_HEAD_INTERLEAVED, tokenizerFile, options);
    }

    /** As above, for a store whose fused QKV rows are in {@code layout} (GGUF: {@link QkvLayout#SPLIT}). */
    public static NeoxModel assemble(Path path, Config config, TensorStore store, QkvLayout layout, Path tokenizerFile,
            LoadOptions options) {
        WorkerPool pool = null;
        LayerResidency residency = LayerResidency.NONE;
        HeldWeights held = null;
        try {
            pool = options.threads() == 1 ? WorkerPool.single() : new WorkerPool(options.threads());
            ModelWeights weights = WeightLoader.load(store, config, layout, options.part());
            String report;
            if (options.weightsDtype() != null) {
                // converted weights live in RAM already, so resident mode has nothing left to copy
                held = ConvertedWeights.of(weights, options.weightsDtype(), pool, options.repack());
                weights = held.weights();
                report = "converted: weight matrices re-encoded as " + options.weightsDtype().cliName()
                        + " at load, " + StreamingResidency.gib(weights.bytesPerToken()
                        + (weights.embedIn() == null || weights.embedIn() == weights.embedOut() ? 0 : weights.embedIn().byteSize()))
                        + " in RAM";
            } else {
                report = switch (options.memory()) {
                    case MMAP -> {
                        String mapped = "mmap: weights mapped from " + store.source() + "; the OS pages them in on first use and may"
                                + " keep all of them resident";
                        RepackCache cache = options.repackCache() == null ? null
                                : RepackCache.open(weights, store, options.repackCache(), pool, options.progress());
                        if (cache == null) {
                            yield mapped + (options.repackCache() != null ? "; no Q4_0 matrix to regroup"
                                    : RepackCache.hasGroupable(weights) ? "; Q4_0 matrices in GGML's layout (--repack-cache or"
                                    + " --memory resident regroup them for a faster decode kernel)" : "");
                        }
                        held = cache;
                        weights = cache.weights();
                        yield mapped + "; " + cache.describe();
                    }
                    case RESIDENT -> {
                        ResidentWeights resident = ResidentWeights.copy(weights, store.source(), pool, options.repack(),
                                options.progress());
                        held = resident;
                        weights = resident.weights();
                        yield "resident: " + StreamingResidency.gib(resident.bytes()) + " of weights copied into RAM at load";
                    }
                    case STREAM -> {
                        residency = new StreamingResidency(weights, config.numLayers(), store, streamBudget(options));
                        yield residency.describe();
                    }
                };
            }
            // (the repack cache describes its regrouping itself)
            boolean copies = held instanceof ResidentWeights || held instanceof ConvertedWeights;
            if (copies && !weights.layers().isEmpty() && weights.layers().getFirst().mlpUp().layout() == Tensor.Layout.ROW_GROUPS) {
                report += "; Q4_0 matrices regrouped for the decode kernel (--no-repack to keep GGML's layout)";
            }
            return new NeoxModel(path, config, store, new GptNeoX(config, weights, pool, residency), pool, tokenizerFile,
                    held, residency, report);
        } catch (RuntimeException e) {
            residency.close();
            if (held != null) {
                held.close();
            }
            store.close();
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
    }

    /** The stream budget: as given, else a quarter of the memory available now. */
    private static long streamBudget(LoadOptions options) {
        if (options.maxResident() > 0) {
            return options.maxResident();
        }
        return org.neox4j.os.MemoryInfo.available().orElse(8L << 30) / 4;
    }

    public Path path() {
        return path;
    }

    public Config config() {
        return config;
    }

    public GptNeoX network() {
        return network;
    }

    public ModelWeights weights() {
        return network.weights();
    }

    public TensorStore store() {
        return store;
    }

    /** The tokenizer file shipped with the model, if any. */
    public Optional<Path> tokenizerFile() {
        return Optional.ofNullable(tokenizerFile);
    }


    /** What the memory mode keeps resident (for {@code info} and {@code --verbose}). */
    public String memoryReport() {
        return memoryReport;
    }

    @Override
    public void close() {
        residency.close();
        if (held != null) {
            held.close();
        }
        pool.close();
        store.close();
    }
}
