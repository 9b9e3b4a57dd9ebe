package org.neox4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.neox4j.bench.ModelShape;
import org.neox4j.bench.SyntheticModel;
import org.neox4j.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a random-weight model of a real GPT-NeoX/Pythia shape (config.json + model.safetensors),",
            "streamed to disk in constant memory, for benchmarks. q8_0/q4_0 store f16 weights, to be",
            "quantized at load (--weights-dtype, or bench --dtype)."})
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--shape", required = true, paramLabel = "NAME",
            description = "pythia-160m, pythia-410m, pythia-1.4b, pythia-6.9b or gpt-neox-20b.")
    String shape;

    @Option(names = "--dtype", defaultValue = "f16", paramLabel = "DTYPE", description = "f32, f16, bf16, q8_0 or q4_0 (default: f16).")
    String dtype;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: 1).")
    long seed;

    @Override
    public Integer call() {
        ModelShape s = ModelShape.parse(shape);
        DType requested = DType.parse(dtype);
        DType stored = SyntheticModel.storedDtype(requested);
        long bytes = stored.byteSize(s.parameters());
        System.err.printf("%s: %,d parameters, %s on disk as %s%s%n", s.cliName(), s.parameters(), Sizes.human(bytes),
                stored.cliName(), requested == stored ? "" : " (load with --weights-dtype " + requested.cliName() + ")");
        SyntheticModel.write(s, requested, out, seed, ProgressBar.items(new PrintWriter(System.err, true, StandardCharsets.UTF_8), "weights"));
        System.err.println("wrote " + out);
        return 0;
    }
}
