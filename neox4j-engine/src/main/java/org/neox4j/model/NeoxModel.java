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
    /**
     * What holds weights beside the store, or null: their copies in RAM (resident mode, or
     * re-encoded at load) or the mapped repack cache.
     */
    private final AutoCloseable weightMemory;

    private NeoxModel(Path path, Config config, TensorStore store, GptNeoX network, WorkerPool pool, Path tokenizerFile,
            AutoCloseable weightMemory, LayerResidency residency, String memoryReport) {
        this.weightMemory = weightMemory;
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
        AutoCloseable weightMemory = null;
        try {
            pool = options.threads() == 1 ? WorkerPool.single() : new WorkerPool(options.threads());
            ModelWeights weights = WeightLoader.load(store, config, layout, options.part());
            String report;
            if (options.weightsDtype() != null) {
                // converted weights live in RAM already, so resident mode has nothing left to copy
                ConvertedWeights converted = ConvertedWeights.of(weights, options.weightsDtype(), pool, options.repack());
                weightMemory = converted;
                weights = converted.weights();
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
                            yield mapped + (options.repackCache() == null ? "" : "; no Q4_0 matrix to regroup");
                        }
                        weightMemory = cache;
                        weights = cache.weights();
                        yield mapped + "; " + cache.describe();
                    }
                    case RESIDENT -> {
                        ResidentWeights resident = ResidentWeights.copy(weights, store.source(), pool, options.repack(),
                                options.progress());
                        weightMemory = resident;
                        weights = resident.weights();
                        yield "resident: " + StreamingResidency.gib(resident.bytes()) + " of weights copied into RAM at load";
                    }
                    case STREAM -> {
                        residency = new StreamingResidency(weights, config.numLayers(), store, streamBudget(options));
                        yield residency.describe();
                    }
                };
            }
            if (weightMemory instanceof ResidentWeights || weightMemory instanceof ConvertedWeights) {
                if (!weights.layers().isEmpty() && weights.layers().getFirst().mlpUp().layout() == Tensor.Layout.ROW_GROUPS) {
                    report += "; Q4_0 matrices regrouped for the decode kernel (--no-repack to keep GGML's layout)";
                }
            }
            return new NeoxModel(path, config, store, new GptNeoX(config, weights, pool, residency), pool, tokenizerFile,
                    weightMemory, residency, report);
        } catch (RuntimeException e) {
            residency.close();
            closeQuietly(weightMemory);
            store.close();
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing frees memory; nothing to report beside the failure being thrown
            }
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
        closeQuietly(weightMemory);
        pool.close();
        store.close();
    }
}
