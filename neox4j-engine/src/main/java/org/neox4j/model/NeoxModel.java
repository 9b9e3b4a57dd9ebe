package org.neox4j.model;

import java.nio.file.Path;
import java.util.Optional;
import org.neox4j.format.TensorStore;
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
    private final TensorStore files;
    private final LayerResidency residency;
    private final String memoryReport;

    private NeoxModel(Path path, Config config, TensorStore store, GptNeoX network, WorkerPool pool, Path tokenizerFile,
            TensorStore files, LayerResidency residency, String memoryReport) {
        this.path = path;
        this.config = config;
        this.store = store;
        this.network = network;
        this.pool = pool;
        this.tokenizerFile = tokenizerFile;
        this.files = files;
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
    public static NeoxModel assemble(Path path, Config config, TensorStore mapped, QkvLayout layout, Path tokenizerFile,
            LoadOptions options) {
        WorkerPool pool = null;
        TensorStore store = mapped;
        LayerResidency residency = LayerResidency.NONE;
        try {
            String report;
            if (options.memory() == MemoryMode.RESIDENT) {
                ResidentStore copy = ResidentStore.copyOf(mapped);
                store = copy;
                report = "resident: " + StreamingResidency.gib(copy.bytes()) + " of weights copied into RAM at load";
            } else {
                report = "mmap: weights mapped from " + mapped.source() + "; the OS pages them in on first use and may keep"
                        + " all of them resident";
            }
            ModelWeights weights = WeightLoader.load(store, config, layout);
            if (options.memory() == MemoryMode.STREAM) {
                residency = new StreamingResidency(weights, store, streamBudget(options));
                report = residency.describe();
            }
            pool = options.threads() == 1 ? WorkerPool.single() : new WorkerPool(options.threads());
            return new NeoxModel(path, config, store, new GptNeoX(config, weights, pool, residency), pool, tokenizerFile,
                    mapped, residency, report);
        } catch (RuntimeException e) {
            residency.close();
            store.close(); // a resident copy closes the mapped store it came from

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

    /**
     * The store as opened from the files, with their metadata (a GGUF file's carries the tokenizer);
     * the same as {@link #store()} unless the weights were copied into RAM.
     */
    public TensorStore files() {
        return files;
    }

    /** What the memory mode keeps resident (for {@code info} and {@code --verbose}). */
    public String memoryReport() {
        return memoryReport;
    }

    @Override
    public void close() {
        residency.close();
        pool.close();
        store.close();
    }
}
