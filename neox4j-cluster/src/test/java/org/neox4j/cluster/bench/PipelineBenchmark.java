package org.neox4j.cluster.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.neox4j.cluster.Coordinator;
import org.neox4j.cluster.Endpoint;
import org.neox4j.cluster.PipelineOptions;
import org.neox4j.cluster.WireFormat;
import org.neox4j.cluster.Worker;
import org.neox4j.cluster.WorkerOptions;
import org.neox4j.generate.GenerationResult;
import org.neox4j.generate.GenerationSession;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.ModelPart;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.SyntheticModel;

/**
 * Per-token cost of the pipeline on loopback against the same model in one process: greedy
 * decoding of one sequence (no overlap is possible there, so every hop is paid in full), on a
 * random-weight model. Workers run in this JVM behind real gRPC servers on 127.0.0.1 (TCP, the
 * same serialization and sockets as separate processes); the stages run one after the other, so
 * they do not compete for the cores. Rounds alternate between the setups; medians are reported.
 *
 * <p>Usage: {@code scripts/bench-pipeline [160m|small] [TOKENS] [ROUNDS] [THREADS]}.
 */
public final class PipelineBenchmark {
    private static final SyntheticModel.Shape SMALL = new SyntheticModel.Shape(2048, 256, 8, 4, 1024, 512);

    private record Setup(String name, int localLayers, int[] workerSplits, WireFormat wire) {
    }

    public static void main(String[] args) throws Exception {
        SyntheticModel.Shape shape = args.length > 0 && args[0].equals("small") ? SMALL : SyntheticModel.PYTHIA_160M;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("neox4j-pipeline-bench");
        Path model = SyntheticModel.write(dir, shape);
        int half = shape.layers() / 2;
        List<Setup> setups = List.of(
                new Setup("single process", -1, null, null),
                new Setup("coordinator 0-" + half + " + 1 worker, f32", half, new int[] {half, shape.layers()}, WireFormat.F32),
                new Setup("2 workers, f32", 0, new int[] {0, half, shape.layers()}, WireFormat.F32),
                new Setup("2 workers, f16", 0, new int[] {0, half, shape.layers()}, WireFormat.F16));
        System.out.printf(Locale.ROOT, "model: random %d layers × hidden %d, vocab %d, float16 (%.0f MB); %d new tokens after 8, "
                + "%d threads per stage, %d rounds%n", shape.layers(), shape.hidden(), shape.vocab(),
                Files.size(model.resolve("model.safetensors")) / 1e6, tokens, threads, rounds);
        Map<Setup, List<Double>> results = new LinkedHashMap<>();
        for (int r = 0; r < rounds + 1; r++) {
            for (Setup s : setups) {
                double ms = run(model, s, tokens, threads, shape.context());
                if (r > 0) { // the first round warms up the JIT
                    results.computeIfAbsent(s, k -> new ArrayList<>()).add(ms);
                }
            }
        }
        double single = median(results.get(setups.getFirst()));
        System.out.println();
        System.out.println("| setup | hops per token | ms/token (median) | overhead vs single process |");
        System.out.println("| --- | --- | --- | --- |");
        for (Setup s : setups) {
            double ms = median(results.get(s));
            int hops = s.workerSplits() == null ? 0 : 2 * (s.workerSplits().length - 1);
            String hopBytes = hops == 0 ? "—" : hops + " × " + shape.hidden() * (s.wire() == WireFormat.F16 ? 2 : 4) + " B";
            System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %s |%n", s.name(), hopBytes, ms,
                    s.workerSplits() == null ? "—" : String.format(Locale.ROOT, "%+.2f ms (%+.2f ms per hop)", ms - single,
                            (ms - single) / hops));
        }
    }

    /** Decode milliseconds per token of one greedy generation through {@code s}. */
    private static double run(Path model, Setup s, int tokens, int threads, int context) {
        LoadOptions load = LoadOptions.defaults().withThreads(threads);
        List<NeoxModel> shares = new ArrayList<>();
        List<Worker> workers = new ArrayList<>();
        try {
            LanguageModel lm;
            if (s.workerSplits() == null) {
                lm = LanguageModel.load(model, load);
            } else {
                List<Endpoint> endpoints = new ArrayList<>();
                for (int i = 0; i + 1 < s.workerSplits().length; i++) {
                    NeoxModel share = ModelLoader.load(model, load.withPart(ModelPart.layers(s.workerSplits()[i], s.workerSplits()[i + 1])));
                    shares.add(share);
                    Worker w = Worker.start(share.network(), WorkerOptions.loopback(model.toString(), 0, context));
                    workers.add(w);
                    endpoints.add(new Endpoint("127.0.0.1", w.port()));
                }
                lm = Coordinator.open(model, load, endpoints, PipelineOptions.defaults().withWire(s.wire()));
            }
            try (lm; GenerationSession session = lm.start(new int[] {1, 2, 3, 4, 5, 6, 7, 8},
                    SamplingParams.greedy(tokens).withIgnoreEos(true), context)) {
                GenerationResult r = session.drain(null);
                return r.decodeNanos() / 1e6 / (r.tokenIds().length - 1);
            }
        } finally {
            workers.forEach(Worker::close);
            shares.forEach(NeoxModel::close);
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
