package org.neox4j.cli;

import java.nio.file.Path;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.LoadOptions;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "PATH", required = true,
            description = "Model: a Hugging Face directory (config.json, *.safetensors, tokenizer.json).")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Worker threads for the kernels (default: all cores).")
    Integer threads;

    LoadOptions loadOptions() {
        LoadOptions options = LoadOptions.defaults();
        return threads == null ? options : options.withThreads(threads);
    }

    LanguageModel load() {
        return LanguageModel.load(model, loadOptions());
    }
}
