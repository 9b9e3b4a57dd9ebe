package org.neox4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.neox4j.format.neox.NeoxCache;
import org.neox4j.format.neox.NeoxCheckpoint;
import org.neox4j.generate.LanguageModel;
import org.neox4j.hub.ModelResolver;
import org.neox4j.model.LoadOptions;
import org.neox4j.tensor.DType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = {"A Hugging Face model directory (config.json, *.safetensors, tokenizer.json), a GGUF file, or a hub id",
                "ORG/NAME[@REVISION] resolved through the Hugging Face cache and pulled on first use,",
                "or an original GPT-NeoX checkpoint directory (converted once into a cache, then reused)",
                "(default: " + ModelResolver.DEFAULT_MODEL + ")."})
    String model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Worker threads for the kernels (default: all cores).")
    Integer threads;

    @Option(names = "--weights-dtype", paramLabel = "DTYPE",
            description = "Store the weight matrices as f32, f16, bf16, q8_0 or q4_0, converting at load (default: as in the file).")
    String weightsDtype;

    @Mixin
    MemoryOptions memory = new MemoryOptions();

    LoadOptions loadOptions() {
        LoadOptions options = memory.apply(LoadOptions.defaults());
        if (weightsDtype != null) {
            options = options.withWeightsDtype(DType.parse(weightsDtype));
        }
        return threads == null ? options : options.withThreads(threads);
    }

    void report(String message) {
        memory.report(message);
    }

    void reportPeakMemory() {
        memory.reportPeakMemory();
    }

    /**
     * The model's local path: as given, or from the hub cache (downloading it first, with a notice and progress on stderr);
     * for an original GPT-NeoX checkpoint, its converted copy.
     */
    Path resolve() {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Path path = ModelResolver.fromEnvironment(notice -> err.println("neox4j: " + notice), ProgressBar.bytes(err)).resolve(model);
        return NeoxCheckpoint.looksLike(path) ? convertedCopy(path, err) : path;
    }

    /** An original GPT-NeoX checkpoint's converted copy in the cache, made on first use (see docs/NEOX_CHECKPOINTS.md). */
    private static Path convertedCopy(Path checkpoint, PrintWriter err) {
        Path cached = NeoxCache.location(checkpoint);
        if (!Files.isRegularFile(cached.resolve("config.json"))) {
            err.println("neox4j: converting the GPT-NeoX checkpoint " + checkpoint + " once into " + cached);
        }
        return NeoxCache.prepare(checkpoint, ProgressBar.bytes(err));
    }

    LanguageModel load() {
        LoadOptions options = loadOptions();
        Path path = resolve();
        long start = System.nanoTime();
        LanguageModel lm = LanguageModel.load(path, options);
        report(String.format(java.util.Locale.ROOT, "loaded %s in %.2f s; memory %s", path, (System.nanoTime() - start) / 1e9,
                lm.model().memoryReport()));
        return lm;
    }
}
