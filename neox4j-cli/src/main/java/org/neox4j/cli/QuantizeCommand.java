package org.neox4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.neox4j.Neox4jException;
import org.neox4j.convert.GgufExporter;
import org.neox4j.generate.LanguageModel;
import org.neox4j.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Write a model as a GGUF file (q4_0, q8_0, f16, bf16, f32) that llama.cpp reads too.",
        description = {"Write a model as a GGUF file that llama.cpp reads too: llama.cpp's tensor names, keys, QKV order and",
            "gpt2 tokenizer metadata. Streams tensor by tensor: memory is bounded by one tensor, not the model.",
            "Norms and biases stay F32; with q4_0 the output head is Q8_0 (see docs/GGUF.md)."})
final class QuantizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--dtype", paramLabel = "TYPE", required = true,
            description = "Type of the weight matrices: q4_0, q8_0, f16, bf16 or f32.")
    String dtype;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.gguf", required = true, description = "The GGUF file to write.")
    Path out;

    @Override
    public Integer call() {
        DType target = DType.parse(dtype);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        try (LanguageModel lm = modelOptions.load()) {
            if (Files.exists(out) && Files.isSameFile(out, lm.model().path())) {
                throw new Neox4jException(out + ": is the model being read; write the GGUF file elsewhere");
            }
            if (lm.tokenizer().isEmpty()) {
                err.println("neox4j: warning: the model has no tokenizer; " + out + " will have none (llama.cpp needs one)");
            }
            GgufExporter.export(lm, target, out, ProgressBar.bytes(err));
            err.printf("neox4j: wrote %s (%s)%n", out, Sizes.human(Files.size(out)));
            modelOptions.reportPeakMemory();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return 0;
    }
}
