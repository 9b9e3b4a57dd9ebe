package org.neox4j.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorStore;
import org.neox4j.format.gguf.GgufFile;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.format.safetensors.ShardedSafetensors;
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

    /** Loads a Hugging Face model directory (config.json + safetensors) or a GGUF file. */
    public static NeoxModel load(Path path, LoadOptions options) {
        if (!Files.exists(path)) {
            throw new FormatException(path + ": no such file or directory");
        }
        if (Files.isRegularFile(path) && (GgufFile.looksLikeGguf(path) || path.toString().endsWith(".gguf"))) {
            GgufFile gguf = GgufFile.open(path);
            Config config;
            try {
                config = GgufConfig.read(gguf);
            } catch (RuntimeException e) {
                gguf.close();
                throw e;
            }
            return assemble(path, config, gguf, QkvLayout.SPLIT, options, null);
        }
        if (!Files.isDirectory(path)) {
            throw new FormatException(path + ": not a model (expected a Hugging Face directory with config.json and *.safetensors,"
                    + " or a GGUF file)");
        }
        Config config = HfConfig.read(path);
        TensorStore store = openSafetensors(path);
        return assemble(path, config, store, QkvLayout.PER_HEAD_INTERLEAVED, options, findTokenizer(path));
    }

    private static NeoxModel assemble(Path path, Config config, TensorStore store, QkvLayout layout, LoadOptions options,
            Path tokenizerFile) {
        WorkerPool pool = null;
        try {
            ModelWeights weights = WeightLoader.load(store, config, layout);
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

    static TensorStore openSafetensors(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            return ShardedSafetensors.open(index);
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single);
        }
        if (Files.isRegularFile(dir.resolve("pytorch_model.bin")) || Files.isRegularFile(dir.resolve("pytorch_model.bin.index.json"))) {
            throw new FormatException(dir + ": only pytorch_model.bin weights found; neox4j reads safetensors"
                    + " (most hub repositories have them; `neox4j pull` fetches them)");
        }
        throw new FormatException(dir + ": no model.safetensors or model.safetensors.index.json");
    }

    /** {@code tokenizer.json} (Hugging Face) or {@code 20B_tokenizer.json} (original NeoX release) beside the weights. */
    static Path findTokenizer(Path dir) {
        for (String name : new String[] {"tokenizer.json", "20B_tokenizer.json"}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        return null;
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
