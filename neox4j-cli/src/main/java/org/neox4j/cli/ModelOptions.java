package org.neox4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.neox4j.generate.LanguageModel;
import org.neox4j.hub.ModelResolver;
import org.neox4j.model.LoadOptions;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = {"A Hugging Face model directory (config.json, *.safetensors, tokenizer.json), or a hub id",
                "ORG/NAME[@REVISION] resolved through the Hugging Face cache and pulled on first use",
                "(default: " + ModelResolver.DEFAULT_MODEL + ")."})
    String model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Worker threads for the kernels (default: all cores).")
    Integer threads;

    LoadOptions loadOptions() {
        LoadOptions options = LoadOptions.defaults();
        return threads == null ? options : options.withThreads(threads);
    }

    /** The model's local path: as given, or from the hub cache (downloading it first, with a notice and progress on stderr). */
    Path resolve() {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        return ModelResolver.fromEnvironment(notice -> err.println("neox4j: " + notice), ProgressBar.bytes(err)).resolve(model);
    }

    LanguageModel load() {
        return LanguageModel.load(resolve(), loadOptions());
    }
}
