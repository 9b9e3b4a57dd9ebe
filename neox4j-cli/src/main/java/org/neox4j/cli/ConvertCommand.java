package org.neox4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.neox4j.Neox4jException;
import org.neox4j.format.neox.NeoxCheckpoint;
import org.neox4j.format.neox.NeoxConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "convert",
        header = "Convert an original GPT-NeoX checkpoint into a Hugging Face directory.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert an original GPT-NeoX checkpoint (the GPT-NeoX-20B \"slim weights\": configs/*.yml, latest,",
            "global_stepN/layer_XX-model_YY-model_states.pt) into a Hugging Face directory: config.json,",
            "generation_config.json, tokenizer.json and safetensors shards with their index.",
            "Tensor-parallel shards are merged one tensor at a time; memory stays near the largest tensor."})
final class ConvertCommand implements Callable<Integer> {
    enum Target { safetensors }

    @Option(names = {"-m", "--model"}, paramLabel = "DIR", required = true, description = "The GPT-NeoX checkpoint directory.")
    Path model;

    @Option(names = "--to", paramLabel = "FORMAT", required = true, description = "Output format: ${COMPLETION-CANDIDATES}.")
    Target to;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Directory to write (created if needed).")
    Path out;

    @Option(names = "--max-shard-size", paramLabel = "SIZE", defaultValue = "5GB", converter = ByteSize.class,
            description = "Largest safetensors shard, e.g. 5GB, 500MB, 2GiB (default: ${DEFAULT-VALUE}).")
    long maxShardSize;

    @Option(names = "--force", description = "Write into --out even when it is not empty.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!NeoxCheckpoint.looksLike(model)) {
            throw new Neox4jException(model + ": not an original GPT-NeoX checkpoint (expected configs/*.yml, a 'latest' file"
                    + " and global_stepN/layer_XX-model_YY-model_states.pt)");
        }
        if (Files.isDirectory(out) && !force) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new Neox4jException(out + ": directory is not empty; use --force to write into it anyway");
                }
            }
        }
        try (NeoxCheckpoint checkpoint = NeoxCheckpoint.open(model)) {
            System.err.printf("converting %s (%d layers, tensor-parallel size %d) to %s%n", model, checkpoint.config().numLayers(),
                    checkpoint.neoxConfig().modelParallelSize(), out);
            NeoxConverter.toHuggingFace(checkpoint, out, maxShardSize,
                    ProgressBar.bytes(new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
        }
        System.err.println("wrote " + out);
        return 0;
    }

    /** Sizes as Hugging Face's max_shard_size takes them: 5GB = 5×10⁹ bytes, 5GiB = 5×2³⁰, a bare number = bytes. */
    static final class ByteSize implements CommandLine.ITypeConverter<Long> {
        private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]I?B|B)?");

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.strip().toUpperCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size such as 5GB, 500MB or 2GiB");
            }
            String unit = m.group(2) == null ? "B" : m.group(2);
            double scale = switch (unit) {
                case "B" -> 1;
                case "KB" -> 1e3;
                case "MB" -> 1e6;
                case "GB" -> 1e9;
                case "TB" -> 1e12;
                case "KIB" -> 0x1p10;
                case "MIB" -> 0x1p20;
                case "GIB" -> 0x1p30;
                default -> 0x1p40;
            };
            double bytes = Double.parseDouble(m.group(1)) * scale;
            if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
                throw new CommandLine.TypeConversionException("shard size '" + value + "' is out of range");
            }
            return (long) bytes;
        }
    }
}
