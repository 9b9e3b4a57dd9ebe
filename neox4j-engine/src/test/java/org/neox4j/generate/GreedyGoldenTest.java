package org.neox4j.generate;

import org.neox4j.loader.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.KvCache;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.GoldenModel;

/** Greedy decoding reproduces the reference's tokens exactly, with the KV cache and without, alone and batched. */
class GreedyGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void greedyWithKvCacheMatchesReference(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             LanguageModel lm = new LanguageModel(ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2)), null)) {
            JsonNode g = golden.cases().get("generation").get(0);
            int[] prompt = GoldenModel.ints(g.get("prompt_ids"));
            int[] expected = GoldenModel.ints(g.get("new_tokens"));
            GenerationResult r = lm.start(prompt, SamplingParams.greedy(expected.length).withIgnoreEos(true), 64).drain(null);
            assertArrayEquals(expected, r.tokenIds(), modelName + " greedy20 with KV cache");
            assertEquals(FinishReason.LENGTH, r.finishReason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void greedyWithoutKvCacheMatchesReference(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            JsonNode g = golden.cases().get("generation").get(0);
            int[] sequence = GoldenModel.ints(g.get("prompt_ids"));
            int[] expected = GoldenModel.ints(g.get("new_tokens"));
            for (int step = 0; step < expected.length; step++) {
                // recompute the whole sequence from an empty cache at every step
                float[] logits = model.network().forward(model.network().newCache(sequence.length), sequence);
                int next = Sampler.argmax(logits);
                assertEquals(expected[step], next, modelName + " step " + step + " (full recompute)");
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = next;
            }
            assertArrayEquals(GoldenModel.ints(g.get("full_sequence")), sequence);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void batchedGreedyDecodingMatchesReference(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            JsonNode batch = golden.cases().get("batch");
            GptNeoX net = model.network();
            int rows = batch.get("prompts").size();
            KvCache[] caches = new KvCache[rows];
            int[][] next = new int[rows][];
            int[][] generated = new int[rows][10];
            for (int r = 0; r < rows; r++) {
                caches[r] = net.newCache(32);
                next[r] = GoldenModel.ints(batch.get("prompts").get(r));
            }
            for (int step = 0; step < 10; step++) {
                // one forward pass advances both sequences (prefill both, then decode both)
                List<GptNeoX.Chunk> chunks = new java.util.ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    chunks.add(new GptNeoX.Chunk(caches[r], next[r]));
                }
                var result = net.forward(chunks, ForwardOptions.LAST_LOGITS);
                for (int r = 0; r < rows; r++) {
                    int token = Sampler.argmax(result.logitsRow(r));
                    generated[r][step] = token;
                    next[r] = new int[] {token};
                }
            }
            for (int r = 0; r < rows; r++) {
                assertArrayEquals(GoldenModel.ints(batch.get("greedy10_new_tokens").get(r)), generated[r], modelName + " batch row " + r);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fp16", "bf16-sharded"})
    void lowPrecisionStorageGreedyMatchesReference(String variant) {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             LanguageModel lm = new LanguageModel(ModelLoader.load(golden.dir().resolve(variant), LoadOptions.defaults()), null)) {
            JsonNode v = null;
            for (JsonNode d : golden.cases().get("dtype_variants")) {
                if (d.get("name").asText().equals(variant)) {
                    v = d;
                }
            }
            int[] prompt = GoldenModel.ints(golden.cases().get("generation").get(0).get("prompt_ids"));
            int[] expected = GoldenModel.ints(v.get("greedy20_new_tokens"));
            GenerationResult r = lm.start(prompt, SamplingParams.greedy(expected.length).withIgnoreEos(true), 64).drain(null);
            assertArrayEquals(expected, r.tokenIds(), variant);
        }
    }
}
