package org.neox4j.cli;

import java.nio.file.Path;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.LoadOptions;
import org.neox4j.tensor.DType;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "PATH", required = true,
            description = "Model: a Hugging Face directory (config.json, *.safetensors, tokenizer.json).")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Worker threads for the kernels (default: all cores).")
    Integer threads;

    @Option(names = "--weights-dtype", paramLabel = "DTYPE",
            description = "Store the weight matrices as f32, f16, bf16, q8_0 or q4_0, converting at load (default: as in the file).")
    String weightsDtype;

    LoadOptions loadOptions() {
        LoadOptions options = LoadOptions.defaults();
        if (threads != null) {
            options = options.withThreads(threads);
        }
        return weightsDtype == null ? options : options.withWeightsDtype(DType.parse(weightsDtype));
    }

    LanguageModel load() {
        return LanguageModel.load(model, loadOptions());
    }
}
