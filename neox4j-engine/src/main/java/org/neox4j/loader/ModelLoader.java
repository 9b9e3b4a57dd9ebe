package org.neox4j.loader;

import java.nio.file.Files;
import java.nio.file.Path;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorStore;
import org.neox4j.format.gguf.GgufFile;
import org.neox4j.format.neox.NeoxCheckpoint;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.format.safetensors.ShardedSafetensors;
import org.neox4j.model.Config;
import org.neox4j.model.GgufConfig;
import org.neox4j.model.HfConfig;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.model.QkvLayout;

/**
 * Opens a model from whatever files the user has: it recognises the format, reads its config
 * and weights, and hands them to {@link NeoxModel#assemble}. Living above both {@code format}
 * and {@code model}, it keeps those two free of each other's details.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /**
     * Loads a Hugging Face model directory (config.json + safetensors), a GGUF file (llama.cpp's
     * gptneox layout; see {@link GgufFile}), or an original GPT-NeoX checkpoint directory
     * ({@code configs/*.yml}, {@code global_stepN/layer_*.pt}; see {@link NeoxCheckpoint}).
     */
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
            return NeoxModel.assemble(path, config, gguf, QkvLayout.SPLIT, null, options);
        }
        if (!Files.isDirectory(path)) {
            throw new FormatException(path + ": not a model (expected a Hugging Face directory with config.json and *.safetensors,"
                    + " a GGUF file or a GPT-NeoX checkpoint directory)");
        }
        if (NeoxCheckpoint.looksLike(path)) {
            // An original GPT-NeoX checkpoint: each tensor is merged across the tensor-parallel ranks as it is loaded.
            NeoxCheckpoint checkpoint = NeoxCheckpoint.open(path);
            return NeoxModel.assemble(path, checkpoint.config(), checkpoint, checkpoint.tokenizerFile().orElse(null), options);
        }
        Config config = HfConfig.read(path);
        return NeoxModel.assemble(path, config, openSafetensors(path), findTokenizer(path), options);
    }

    private static TensorStore openSafetensors(Path dir) {
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
    private static Path findTokenizer(Path dir) {
        for (String name : new String[] {"tokenizer.json", "20B_tokenizer.json"}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        return null;
    }
}
