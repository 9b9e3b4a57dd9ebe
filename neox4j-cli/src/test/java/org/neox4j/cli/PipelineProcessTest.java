package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.cluster.ClusterToken;
import org.neox4j.cluster.Coordinator;
import org.neox4j.cluster.Endpoint;
import org.neox4j.cluster.PipelineException;
import org.neox4j.cluster.PipelineOptions;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.generate.GenerationSession;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;

/**
 * The pipeline across real processes on loopback: workers are {@code neox4j worker} child JVMs
 * speaking TLS and requiring the token. A killed worker fails the request within seconds and a
 * restarted one serves the next request; a frozen one is caught by health checks.
 */
@Timeout(300)
class PipelineProcessTest {
    private static final Duration START_BOUND = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private TestCertificates certs;
    private Path tokenFile;

    private void security() throws Exception {
        certs = TestCertificates.make(dir);
        tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "f00dfeedc0ffee0123456789abcdef01\n");
    }

    private PipelineOptions secured() {
        return PipelineOptions.defaults().withTls(true, certs.cert()).withToken(ClusterToken.read(tokenFile));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A worker child JVM serving {@code layers} of {@code model} on 127.0.0.1:{@code port}, once it is serving. */
    private ChildJvm worker(String name, Path model, String layers, int port) throws InterruptedException {
        ChildJvm w = ChildJvm.start(dir, name, "worker", "--model", model.toString(), "--layers", layers,
                "--listen", "127.0.0.1:" + port, "-t", "1", "--tls-cert", certs.cert().toString(), "--tls-key", certs.key().toString(),
                "--token-file", tokenFile.toString());
        w.awaitErr("serving layers", START_BOUND);
        return w;
    }

    private static String ids(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Test
    void threeProcessesGiveTheSingleProcessTokensAndLogits() throws Exception {
        security();
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            int p0 = freePort();
            int p1 = freePort();
            try (ChildJvm w0 = worker("w0", golden.dir(), "0-1", p0);
                 ChildJvm w1 = worker("w1", golden.dir(), "1-2", p1)) {
                List<String> pipeline = List.of("--model", golden.dir().toString(), "-t", "1",
                        "--pipeline", "127.0.0.1:" + p0 + ",127.0.0.1:" + p1, "--tls-ca", certs.cert().toString(),
                        "--token-file", tokenFile.toString());
                JsonNode g = golden.cases().get("generation").get(0);
                List<String> generate = new ArrayList<>(List.of("generate", "--prompt-token-ids", ids(GoldenModel.ints(g.get("prompt_ids"))),
                        "--greedy", "-n", "20", "--ignore-eos", "--output-format", "json"));
                generate.addAll(pipeline);
                try (ChildJvm coordinator = ChildJvm.start(dir, "generate", generate.toArray(String[]::new))) {
                    assertEquals(0, coordinator.waitFor(START_BOUND), coordinator.err());
                    JsonNode out = new ObjectMapper().readTree(coordinator.out());
                    int[] tokens = GoldenModel.ints(out.get("token_ids"));
                    assertArrayEquals(GoldenModel.ints(g.get("new_tokens")), tokens, "greedy tokens from 3 processes");
                }

                int[] input = GoldenModel.ints(golden.testCase("len7").get("input_ids"));
                Path logits = dir.resolve("logits.safetensors");
                List<String> forward = new ArrayList<>(List.of("forward", "--token-ids", ids(input), "-o", logits.toString()));
                forward.addAll(pipeline);
                try (ChildJvm coordinator = ChildJvm.start(dir, "forward", forward.toArray(String[]::new))) {
                    assertEquals(0, coordinator.waitFor(START_BOUND), coordinator.err());
                }
                float[] single;
                try (NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(1))) {
                    single = model.network().forward(List.of(new org.neox4j.model.GptNeoX.Chunk(model.network().newCache(8), input)),
                            org.neox4j.model.ForwardOptions.ALL_LOGITS).logits();
                }
                try (SafetensorsFile file = SafetensorsFile.open(logits)) {
                    float[] pipelined = file.get("logits").toFloatArray();
                    Approx.assertClose(single, pipelined, 1e-5, "tiny-parallel logits, 3 processes vs one");
                    Approx.assertClose(golden.tensor("len7.logits"), pipelined, 1e-4, "tiny-parallel logits, 3 processes vs reference");
                }
                assertTrue(w0.err().contains("session") && w0.err().contains("released"), w0.err());
            }
        }
    }

    @Test
    void aKilledWorkerFailsTheRequestWithinSecondsAndItsRestartServesTheNext() throws Exception {
        security();
        try (GoldenModel golden = GoldenModel.open("tiny-pythia")) {
            int p0 = freePort();
            int p1 = freePort();
            JsonNode g = golden.cases().get("generation").get(0);
            int[] prompt = GoldenModel.ints(g.get("prompt_ids"));
            int[] expected = GoldenModel.ints(g.get("new_tokens"));
            SamplingParams greedy = SamplingParams.greedy(expected.length).withIgnoreEos(true);
            try (ChildJvm w0 = worker("w0", golden.dir(), "1-2", p0);
                 LanguageModel lm = coordinator(golden.dir(), secured(), p0, p1, "w1", "2-3")) {
                // a long generation in the background; the worker dies while it runs
                GenerationSession running = lm.start(prompt, SamplingParams.greedy(2000).withIgnoreEos(true), 2048);
                CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                    try {
                        running.drain(null);
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                });
                long deadline = System.nanoTime() + START_BOUND.toNanos();
                while (running.cachedTokens() < prompt.length + 20 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                long killed = System.nanoTime();
                killWorker("w1");
                Throwable t = outcome.get(60, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - killed) / 1e9;
                assertTrue(t instanceof PipelineException, "the generation failed with a pipeline error: " + t);
                System.out.printf("pipeline: a worker killed mid-generation (after %d tokens) failed the request %.2f s later: %s%n",
                        running.cachedTokens(), seconds, t.getMessage());
                assertTrue(seconds < 5, "failed within 5 s of the kill, took " + seconds);
                assertTrue(t.getMessage().contains("pipeline stage 2/2 (worker 127.0.0.1:" + p1), t.getMessage());
                running.close();

                try (ChildJvm again = worker("w1-again", golden.dir(), "2-3", p1);
                     GenerationSession next = lm.start(prompt, greedy, 64)) {
                    assertArrayEquals(expected, next.drain(null).tokenIds(), "the request after the restart");
                }
            } finally {
                closeSecondWorker();
            }
        }
    }

    @Test
    void aFrozenWorkerFailsTheRequestWithinSecondsAndServesAgainOnceThawed() throws Exception {
        security();
        try (GoldenModel golden = GoldenModel.open("tiny-pythia")) {
            int p0 = freePort();
            int p1 = freePort();
            int[] prompt = GoldenModel.ints(golden.cases().get("generation").get(0).get("prompt_ids"));
            SamplingParams greedy = SamplingParams.greedy(5).withIgnoreEos(true);
            try (ChildJvm w0 = worker("w0", golden.dir(), "1-2", p0);
                 LanguageModel lm = coordinator(golden.dir(), secured(), p0, p1, "w1", "2-3")) {
                GenerationSession running = lm.start(prompt, greedy, 64);
                running.next();
                second.signal("STOP");
                long start = System.nanoTime();
                PipelineException e = assertThrows(PipelineException.class, running::next);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("pipeline: a frozen worker failed the request after %.2f s: %s%n", seconds, e.getMessage());
                assertTrue(seconds < 15, "failed within 15 s, took " + seconds);
                assertTrue(e.getMessage().contains("stage 2/2") && e.getMessage().contains("health checks"), e.getMessage());
                second.signal("CONT");
                try (GenerationSession next = lm.start(prompt, greedy, 64)) {
                    assertEquals(5, next.drain(null).tokenIds().length, "the request after the worker thawed");
                }
            } finally {
                closeSecondWorker();
            }
        }
    }

    @Test
    void workersRefuseCoordinatorsWithoutTheTokenOrWithoutTls() throws Exception {
        security();
        try (GoldenModel golden = GoldenModel.open("tiny-pythia")) {
            int port = freePort();
            List<Endpoint> endpoints = List.of(new Endpoint("127.0.0.1", port));
            LoadOptions load = LoadOptions.defaults().withThreads(1);
            try (ChildJvm w = worker("w", golden.dir(), "0-3", port)) {
                String m = assertThrows(PipelineException.class, () -> Coordinator.open(golden.dir(), load, endpoints,
                        secured().withToken(null))).getMessage();
                assertTrue(m.contains("refused this coordinator's token"), m);
                m = assertThrows(PipelineException.class, () -> Coordinator.open(golden.dir(), load, endpoints,
                        secured().withToken(ClusterToken.of("not-the-right-token-at-all")))).getMessage();
                assertTrue(m.contains("refused this coordinator's token"), m);
                m = assertThrows(PipelineException.class, () -> Coordinator.open(golden.dir(), load, endpoints,
                        secured().withTls(false, null))).getMessage();
                assertTrue(m.contains("not reachable or the connection was lost"), "plaintext to a TLS worker: " + m);
                TestCertificates stranger = TestCertificates.make(Files.createDirectory(dir.resolve("stranger")));
                m = assertThrows(PipelineException.class, () -> Coordinator.open(golden.dir(), load, endpoints,
                        secured().withTls(true, stranger.cert()))).getMessage();
                assertTrue(m.contains("not reachable or the connection was lost"), "a certificate not trusted: " + m);
                try (LanguageModel lm = Coordinator.open(golden.dir(), load, endpoints, secured());
                     GenerationSession s = lm.start(new int[] {1, 2, 3}, SamplingParams.greedy(2).withIgnoreEos(true), 16)) {
                    assertEquals(2, s.drain(null).tokenIds().length);
                }
            }
        }
    }

    // the second worker of a test, restarted by some tests under a new name
    private ChildJvm second;

    private LanguageModel coordinator(Path model, PipelineOptions options, int p0, int p1, String name, String layers)
            throws InterruptedException {
        second = worker(name, model, layers, p1);
        return Coordinator.open(model, LoadOptions.defaults().withThreads(1),
                List.of(new Endpoint("127.0.0.1", p0), new Endpoint("127.0.0.1", p1)), options);
    }

    private void killWorker(String name) throws InterruptedException {
        second.kill();
        assertTrue(!second.isAlive(), name + " is dead");
    }

    private void closeSecondWorker() {
        if (second != null) {
            second.close();
        }
    }
}
