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
    private final GgufFile gguf;
    private final LayerResidency residency;
    private final String memoryReport;

    private NeoxModel(Path path, Config config, TensorStore store, GptNeoX network, WorkerPool pool, Path tokenizerFile,
            GgufFile gguf, LayerResidency residency, String memoryReport) {
        this.path = path;
        this.config = config;
        this.store = store;
        this.network = network;
        this.pool = pool;
        this.tokenizerFile = tokenizerFile;
        this.gguf = gguf;
        this.residency = residency;
        this.memoryReport = memoryReport;
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
            return assemble(path, config, gguf, QkvLayout.SPLIT, options, null, gguf);
        }
        if (!Files.isDirectory(path)) {
            throw new FormatException(path + ": not a model (expected a Hugging Face directory with config.json and *.safetensors,"
                    + " or a GGUF file)");
        }
        Config config = HfConfig.read(path);
        TensorStore store = openSafetensors(path);
        return assemble(path, config, store, QkvLayout.PER_HEAD_INTERLEAVED, options, findTokenizer(path), null);
    }

    private static NeoxModel assemble(Path path, Config config, TensorStore mapped, QkvLayout layout, LoadOptions options,
            Path tokenizerFile, GgufFile gguf) {
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
                    gguf, residency, report);
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

    /** The GGUF file the model was read from, if it was (its metadata carries the tokenizer). */
    public Optional<GgufFile> gguf() {
        return Optional.ofNullable(gguf);
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
