package org.neox4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.neox4j.Neox4jException;
import org.neox4j.bench.DecodeBenchmark;
import org.neox4j.bench.ModelShape;
import org.neox4j.bench.SyntheticModel;
import org.neox4j.model.LoadOptions;
import org.neox4j.tensor.Tensor;
import org.neox4j.model.NeoxModel;
import org.neox4j.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.neox4j.loader.ModelLoader;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure prefill and decode speed, and decode's fraction of this machine's memory bandwidth",
            "(measured by a streaming-read probe in the same run)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "PATH", description = "A model directory.")
    Path model;

    @Option(names = "--shape", paramLabel = "NAME",
            description = "Instead of --model: synthesize random weights of this shape into a temporary directory.")
    String shape;

    @Option(names = "--dtype", paramLabel = "DTYPE",
            description = "Weight dtype: f32, f16, bf16, q8_0, q4_0 (converted at load; default: as stored, f16 for --shape).")
    String dtype;

    @picocli.CommandLine.Mixin
    MemoryOptions memory = new MemoryOptions();

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--prompt-tokens", defaultValue = "512", description = "Prompt length for prefill (default: 512).")
    int promptTokens;

    @Option(names = "--gen-tokens", defaultValue = "128", description = "Tokens to decode (default: 128).")
    int genTokens;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if ((model == null) == (shape == null)) {
            throw new Neox4jException("give exactly one of --model or --shape");
        }
        if (promptTokens < 1 || genTokens < 1) {
            throw new Neox4jException("--prompt-tokens and --gen-tokens must be at least 1");
        }
        DType type = dtype == null ? null : DType.parse(dtype);
        LoadOptions options = memory.apply(LoadOptions.defaults()).withWeightsDtype(type);
        if (threads != null) {
            options = options.withThreads(threads);
        }
        Path dir = model;
        Path temp = null;
        try {
            if (shape != null) {
                ModelShape s = ModelShape.parse(shape);
                temp = Files.createTempDirectory("neox4j-bench-");
                dir = temp;
                SyntheticModel.write(s, type == null ? DType.F16 : type, dir, 1, json ? org.neox4j.ProgressListener.NONE
                        : ProgressBar.items(new PrintWriter(System.err, true, StandardCharsets.UTF_8), "weights"));
            }
            try (NeoxModel m = ModelLoader.load(dir, options)) {
                if (!json) {
                    System.err.println("loaded " + dir + "; benchmarking (warm-up, bandwidth probe, prefill, decode, probe)...");
                }
                DecodeBenchmark.Result r = DecodeBenchmark.run(m, promptTokens, genTokens, 42);
                report(r, m, options, type);
            }
        } finally {
            if (temp != null) {
                deleteTree(temp);
            }
        }
        return 0;
    }

    private void report(DecodeBenchmark.Result r, NeoxModel m, LoadOptions options, DType type) throws IOException {
        double bw = r.bandwidthBytesPerSecond();
        String dtypeName = type != null ? type.cliName() : m.weights().layers().get(0).mlpUp().dtype().cliName();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("model", shape != null ? shape : model.toString());
            o.put("dtype", dtypeName);
            o.put("q4_0_row_groups", m.weights().layers().get(0).mlpUp().layout() == Tensor.Layout.ROW_GROUPS);
            o.put("threads", options.threads());
            o.put("prompt_tokens", r.promptTokens());
            o.put("gen_tokens", r.genTokens());
            o.put("prefill_tok_s", r.prefillTokensPerSecond());
            o.put("prefill_ms_per_token", 1000 / r.prefillTokensPerSecond());
            o.put("decode_tok_s", r.decodeTokensPerSecond());
            o.put("decode_ms_per_token", 1000 / r.decodeTokensPerSecond());
            o.put("weight_bytes_per_token", r.weightBytesPerToken());
            o.put("bandwidth_gb_s", bw / 1e9);
            o.put("bandwidth_gb_s_median_before", r.before().median() / 1e9);
            o.put("bandwidth_gb_s_median_after", r.after().median() / 1e9);
            o.put("decode_gb_s", r.weightBytesPerToken() * r.decodeTokensPerSecond() / 1e9);
            o.put("decode_roofline_fraction", r.decodeRooflineFraction());
            o.put("kv_cache_bytes_per_token", r.kvBytesPerToken());
            o.put("decode_roofline_fraction_with_kv", r.decodeRooflineFractionWithKv());
            o.put("memory", m.memoryReport());
            o.put("peak_rss_bytes", org.neox4j.os.MemoryInfo.residentPeak().orElse(-1));
            o.put("prefill_gflop_s", 2.0 * (m.config().parameterCount() - 2L * m.config().vocabSize() * m.config().hiddenSize())
                    * r.prefillTokensPerSecond() / 1e9);
            System.out.println(mapper.writeValueAsString(o));
            return;
        }
        System.out.printf("model:            %s (%s, %d threads)%n", shape != null ? shape : model, dtypeName, options.threads());
        System.out.printf("prefill:          %d tokens, %.2f tok/s (%.1f ms/token)%n", r.promptTokens(),
                r.prefillTokensPerSecond(), 1000 / r.prefillTokensPerSecond());
        System.out.printf("decode:           %d tokens, %.2f tok/s (%.1f ms/token)%n", r.genTokens(),
                r.decodeTokensPerSecond(), 1000 / r.decodeTokensPerSecond());
        System.out.printf("weights/token:    %s%n", Sizes.human(r.weightBytesPerToken()));
        System.out.printf("bandwidth:        %.1f GB/s (streaming read probe, best of before/after; medians %.1f / %.1f)%n",
                bw / 1e9, r.before().median() / 1e9, r.after().median() / 1e9);
        System.out.printf("decode roofline:  %.1f GB/s of weights read = %.0f%% of the bandwidth limit"
                + " (%.0f%% counting the KV cache, %s per token)%n",
                r.weightBytesPerToken() * r.decodeTokensPerSecond() / 1e9, 100 * r.decodeRooflineFraction(),
                100 * r.decodeRooflineFractionWithKv(), Sizes.human(r.kvBytesPerToken()));
        System.out.printf("memory:           %s; peak RSS %s%n", m.memoryReport(),
                Sizes.human(org.neox4j.os.MemoryInfo.residentPeak().orElse(0)));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
