package org.neox4j.server.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.batch.BatchOptions;
import org.neox4j.generate.batch.BatchScheduler;
import org.neox4j.model.LoadOptions;
import org.neox4j.server.OpenAiServer;
import org.neox4j.server.ServedModel;
import org.neox4j.server.ServerOptions;
import org.neox4j.testing.Golden;

/**
 * Aggregate generation throughput of the HTTP server for 1, 4, 8 and 16 concurrent streaming
 * clients, on a Pythia-410M-shaped model with random float16 weights (written once to a cache
 * directory). Rounds interleave the concurrency levels (ascending, then descending) so that load
 * from other processes affects them alike; the median of the rounds is reported.
 *
 * <p>Run: {@code scripts/bench-server [MODEL_DIR] [TOKENS] [ROUNDS]} (a benchmark, not a test).
 */
public final class ServerBenchmark {
    private static final int[] LEVELS = {1, 4, 8, 16};
    private static final Pattern COMPLETION_TOKENS = Pattern.compile("\"completion_tokens\":(\\d+)");

    private ServerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir") + "/neox4j-bench-pythia-410m");
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            System.err.println("writing a random Pythia-410M-shaped model to " + dir + " ...");
            RandomModel.write(dir, RandomModel.PYTHIA_410M, Golden.tokenizerJson());
        }
        System.err.printf("load average before: %s%n", loadAverage());
        try (LanguageModel lm = LanguageModel.load(dir, LoadOptions.defaults());
             BatchScheduler scheduler = BatchScheduler.start(lm, new BatchOptions(16, 8L << 30, 64, 2048));
             OpenAiServer server = OpenAiServer.start(new ServedModel("pythia-410m-random", lm, scheduler),
                     ServerOptions.defaults("pythia-410m-random").withPort(0))) {
            run(server.url(), 1, 8); // warm-up: JIT, page-in of the weights
            Map<Integer, List<Double>> results = new TreeMap<>();
            for (int r = 0; r < rounds; r++) {
                int[] order = r % 2 == 0 ? LEVELS : reversed(LEVELS);
                for (int c : order) {
                    double rate = run(server.url(), c, tokens);
                    results.computeIfAbsent(c, k -> new ArrayList<>()).add(rate);
                    System.err.printf(Locale.ROOT, "round %d: %2d streams: %.2f tokens/s%n", r + 1, c, rate);
                }
            }
            double single = median(results.get(1));
            System.out.printf(Locale.ROOT, "| streams | aggregate tokens/s (median of %d) | per stream | vs 1 stream |%n", rounds);
            System.out.println("|---:|---:|---:|---:|");
            for (var e : results.entrySet()) {
                double m = median(e.getValue());
                System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f× |%n", e.getKey(), m, m / e.getKey(), m / single);
            }
        }
        System.err.printf("load average after: %s%n", loadAverage());
    }

    /** Starts {@code streams} streaming completions at once; returns generated tokens per second of wall time. */
    private static double run(String url, int streams, int tokens) throws Exception {
        String body = "{\"prompt\": " + Arrays.toString(prompt()) + ", \"max_tokens\": " + tokens
                + ", \"temperature\": 0, \"ignore_eos\": true, \"stream\": true, \"stream_options\": {\"include_usage\": true}}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/completions")).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient client = HttpClient.newHttpClient(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                done.add(pool.submit(() -> generated(client.send(request, HttpResponse.BodyHandlers.ofInputStream()))));
            }
            long total = 0;
            for (Future<Integer> f : done) {
                total += f.get(10, TimeUnit.MINUTES);
            }
            return total / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Reads a stream to its end and returns the completion tokens of its usage chunk. */
    private static int generated(HttpResponse<InputStream> response) throws Exception {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        int count = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                Matcher m = COMPLETION_TOKENS.matcher(line);
                if (m.find()) {
                    count = Integer.parseInt(m.group(1));
                }
            }
        }
        if (count < 0) {
            throw new IllegalStateException("the stream had no usage chunk");
        }
        return count;
    }

    /** A 16-token prompt (ids; the weights are random, so the text does not matter). */
    private static int[] prompt() {
        int[] ids = new int[16];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + 37 * i;
        }
        return ids;
    }

    private static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    private static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
