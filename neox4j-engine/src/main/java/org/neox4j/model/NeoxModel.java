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

    private NeoxModel(Path path, Config config, TensorStore store, GptNeoX network, WorkerPool pool, Path tokenizerFile) {
        this.path = path;
        this.config = config;
        this.store = store;
        this.network = network;
        this.pool = pool;
        this.tokenizerFile = tokenizerFile;
    }

    /**
     * A model over the weights of {@code store} (which it then owns and closes). Format detection
     * lives in {@code org.neox4j.loader.ModelLoader}; this is the step every format shares.
     *
     * @param tokenizerFile the tokenizer file shipped with the model, or null
     */
    public static NeoxModel assemble(Path path, Config config, TensorStore store, Path tokenizerFile, LoadOptions options) {
        WorkerPool pool = null;
        try {
            ModelWeights weights = WeightLoader.load(store, config, QkvLayout.PER_HEAD_INTERLEAVED, options.part());
            pool = options.threads() == 1 ? WorkerPool.single() : new WorkerPool(options.threads());
            return new NeoxModel(path, config, store, new GptNeoX(config, weights, pool), pool, tokenizerFile);
        } catch (RuntimeException e) {
            store.close();
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
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

    @Override
    public void close() {
        pool.close();
        store.close();
    }
}
