package org.neox4j.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.neox4j.generate.GenerationResult;
import org.neox4j.generate.GenerationSession;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.KvCache;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;

/** The pipeline over in-process workers gives the single-process results: tokens exactly, logits within 1e-5. */
class PipelineInProcessTest {

    /** Coordinator layers, then the workers' ranges: "0|0-2|2-3" = no local layers, workers 0-2 and 2-3. */
    @ParameterizedTest
    @CsvSource({"tiny-pythia, 0, 0-2, 2-3", "tiny-pythia, 1, 1-2, 2-3", "tiny-parallel, 0, 0-1, 1-2", "tiny-sequential, 2, 2-3,"})
    void greedyTokensAndLogitsEqualSingleProcess(String name, int localLayers, String first, String second) {
        try (GoldenModel golden = GoldenModel.open(name);
             InProcessCluster cluster = new InProcessCluster(golden.dir());
             NeoxModel single = ModelLoader.load(golden.dir(), InProcessCluster.load())) {
            int[] ids = startWorkers(cluster, first, second);
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults().withMicroBatchRows(3), ids)) {
                assertEquals(localLayers, ((PipelineModel) lm.network()).localLayers());
                JsonNode g = golden.cases().get("generation").get(0);
                int[] prompt = GoldenModel.ints(g.get("prompt_ids"));
                int[] expected = GoldenModel.ints(g.get("new_tokens"));
                try (GenerationSession s = lm.start(prompt, SamplingParams.greedy(expected.length).withIgnoreEos(true), 64)) {
                    GenerationResult r = s.drain(null);
                    assertArrayEquals(expected, r.tokenIds(), name + " greedy tokens through the pipeline");
                }
                int[] input = GoldenModel.ints(golden.testCase("len33").get("input_ids"));
                float[] want = allLogits(single.network(), input);
                float[] got = allLogits(lm.network(), input);
                Approx.assertClose(want, got, 1e-5, name + " pipeline " + localLayers + "|" + first + "|" + second + " logits");
            }
        }
    }

    private static int[] startWorkers(InProcessCluster cluster, String... ranges) {
        List<Integer> ids = new ArrayList<>();
        for (String r : ranges) {
            if (r != null && !r.isBlank()) {
                String[] ab = r.split("-");
                cluster.start(ids.size(), Integer.parseInt(ab[0]), Integer.parseInt(ab[1]), null);
                ids.add(ids.size());
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    static float[] allLogits(ForwardPass network, int[] tokens) {
        KvCache cache = network.newCache(tokens.length);
        try {
            return network.forward(List.of(new GptNeoX.Chunk(cache, tokens)), ForwardOptions.ALL_LOGITS).logits();
        } finally {
            network.release(cache);
        }
    }

    @Test
    void severalSequencesInMicroBatchesEqualTheBatchedSingleProcessPass() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir());
             NeoxModel single = ModelLoader.load(golden.dir(), InProcessCluster.load())) {
            cluster.start(0, 1, 2, null);
            cluster.start(1, 2, 3, null);
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults().withMicroBatchRows(2), 0, 1)) {
                JsonNode prompts = golden.cases().get("batch").get("prompts");
                int rows = prompts.size();
                KvCache[] local = new KvCache[rows];
                KvCache[] remote = new KvCache[rows];
                int[][] next = new int[rows][];
                for (int r = 0; r < rows; r++) {
                    local[r] = single.network().newCache(32);
                    remote[r] = lm.network().newCache(32);
                    next[r] = GoldenModel.ints(prompts.get(r));
                }
                JsonNode expected = golden.cases().get("batch").get("greedy10_new_tokens");
                for (int step = 0; step < 6; step++) {
                    List<GptNeoX.Chunk> a = new ArrayList<>();
                    List<GptNeoX.Chunk> b = new ArrayList<>();
                    for (int r = 0; r < rows; r++) {
                        a.add(new GptNeoX.Chunk(local[r], next[r]));
                        b.add(new GptNeoX.Chunk(remote[r], next[r]));
                    }
                    float[] want = single.network().forward(a, ForwardOptions.LAST_LOGITS).logits();
                    float[] got = lm.network().forward(b, ForwardOptions.LAST_LOGITS).logits();
                    Approx.assertClose(want, got, 1e-5, "batch of " + rows + " in micro-batches of 2 rows, step " + step);
                    for (int r = 0; r < rows; r++) {
                        next[r] = new int[] {Approx.argmax(got, r * single.config().vocabSize(), single.config().vocabSize())};
                        assertEquals(expected.get(r).get(step).asInt(), next[r][0], "row " + r + " step " + step);
                        assertEquals(local[r].length(), remote[r].length());
                    }
                }
                for (KvCache c : remote) {
                    lm.network().release(c);
                }
            }
        }
    }

    @Test
    void concurrentRequestsShareThePipeline() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
             InProcessCluster cluster = new InProcessCluster(golden.dir());
             NeoxModel single = ModelLoader.load(golden.dir(), InProcessCluster.load())) {
            cluster.start(0, 0, 1, null);
            cluster.start(1, 1, 2, null);
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults().withMicroBatchRows(4), 0, 1)) {
                ExecutorService pool = Executors.newFixedThreadPool(3);
                try {
                    List<Future<float[]>> results = new ArrayList<>();
                    List<int[]> inputs = new ArrayList<>();
                    for (String c : new String[] {"len1", "len7", "len33"}) {
                        int[] input = GoldenModel.ints(golden.testCase(c).get("input_ids"));
                        inputs.add(input);
                        results.add(pool.submit(() -> allLogits(lm.network(), input)));
                    }
                    for (int i = 0; i < inputs.size(); i++) {
                        Approx.assertClose(allLogits(single.network(), inputs.get(i)), results.get(i).get(), 1e-5,
                                "concurrent request " + i);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void float16OnTheWireStaysCloseAndKeepsTheGreedyTokens() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir());
             NeoxModel single = ModelLoader.load(golden.dir(), InProcessCluster.load())) {
            cluster.start(0, 1, 2, null);
            cluster.start(1, 2, 3, null);
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults().withWire(WireFormat.F16), 0, 1)) {
                int[] input = GoldenModel.ints(golden.testCase("len33").get("input_ids"));
                double d = Approx.assertClose(allLogits(single.network(), input), allLogits(lm.network(), input), 2e-2,
                        "tiny-pythia with float16 on the wire, logits");
                assertTrue(d > 0, "float16 rounding shows (else the option did nothing)");
                JsonNode g = golden.cases().get("generation").get(0);
                int[] expected = GoldenModel.ints(g.get("new_tokens"));
                try (GenerationSession s = lm.start(GoldenModel.ints(g.get("prompt_ids")),
                        SamplingParams.greedy(expected.length).withIgnoreEos(true), 64)) {
                    assertArrayEquals(expected, s.drain(null).tokenIds());
                }
            }
        }
    }

    @Test
    void hiddenStatesAreRefusedWithAClearMessage() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir())) {
            cluster.start(0, 0, 3, null);
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults(), 0)) {
                KvCache cache = lm.network().newCache(4);
                String m = assertThrows(org.neox4j.Neox4jException.class, () -> lm.network().forward(
                        List.of(new GptNeoX.Chunk(cache, new int[] {1})), ForwardOptions.LAST_LOGITS.withHiddenStates())).getMessage();
                assertTrue(m.contains("not available through a pipeline"), m);
            }
        }
    }
}
