package org.neox4j.model;

import org.neox4j.loader.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.neox4j.testing.Approx.assertClose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;

/**
 * The forward pass against the Hugging Face reference: logits, hidden states and per-layer
 * intermediates of every golden case within 1e-4 (the golden README's pass/fail tolerance for
 * float32 compute), attention probabilities within 1e-5, and exact argmax where the reference's
 * top-2 margin exceeds the tolerance.
 */
class ForwardGoldenTest {
    static final double TOL = 1e-4;
    static final double PROBS_TOL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void logitsAndHiddenStatesMatchReference(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            for (JsonNode c : golden.cases().get("cases")) {
                checkCase(golden, model, c, c.get("name").asText(), c.get("name").asText());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fp16", "bf16-sharded"})
    void lowPrecisionStorageMatchesReference(String variant) {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             NeoxModel model = ModelLoader.load(golden.dir().resolve(variant), LoadOptions.defaults().withThreads(2))) {
            for (String caseName : List.of("len1", "len7")) {
                checkCase(golden, model, golden.testCase(caseName), caseName, variant + "." + caseName);
            }
        }
    }

    private static void checkCase(GoldenModel golden, NeoxModel model, JsonNode c, String caseName, String prefix) {
        int[] ids = GoldenModel.ints(c.get("input_ids"));
        Config cfg = model.config();
        int v = cfg.vocabSize();
        int h = cfg.hiddenSize();
        Map<String, float[]> recorded = new HashMap<>();
        ForwardProbe probe = (name, layer, data, rows, width) -> {
            if (name.equals("final_ln_in")) {
                recorded.put(name, java.util.Arrays.copyOf(data, rows * width));
            }
        };
        KvCache cache = model.network().newCache(64);
        ForwardResult result = model.network().forward(List.of(new GptNeoX.Chunk(cache, ids)),
                ForwardOptions.ALL_LOGITS.withHiddenStates().withProbe(probe));
        float[] logits = result.logits();
        String what = golden.name() + " " + prefix;

        if (golden.hasTensor(prefix + ".logits")) {
            assertClose(golden.tensor(prefix + ".logits"), logits, TOL, what + " logits");
        }
        if (golden.hasTensor(prefix + ".logits_rows")) {
            int[] positions = GoldenModel.ints(c.get("logits_rows_positions"));
            float[] rows = new float[positions.length * v];
            for (int i = 0; i < positions.length; i++) {
                System.arraycopy(logits, positions[i] * v, rows, i * v, v);
            }
            assertClose(golden.tensor(prefix + ".logits_rows"), rows, TOL, what + " logits_rows");
            int[] cols = GoldenModel.ints(golden.cases().get("logits_cols_ids"));
            float[] colValues = new float[ids.length * cols.length];
            for (int t = 0; t < ids.length; t++) {
                for (int j = 0; j < cols.length; j++) {
                    colValues[t * cols.length + j] = logits[t * v + cols[j]];
                }
            }
            assertClose(golden.tensor(prefix + ".logits_cols"), colValues, TOL, what + " logits_cols");
        }
        float[] expectedHidden = golden.tensor(prefix + ".hidden_states");
        float[] hidden = new float[expectedHidden.length];
        for (int l = 0; l <= cfg.numLayers(); l++) {
            System.arraycopy(result.hiddenStates()[l], 0, hidden, l * ids.length * h, ids.length * h);
        }
        assertClose(expectedHidden, hidden, TOL, what + " hidden_states");
        if (golden.hasTensor(prefix + ".final_ln_in")) {
            assertClose(golden.tensor(prefix + ".final_ln_in"), recorded.get("final_ln_in"), TOL, what + " final_ln_in");
        }

        JsonNode argmax = c.has("argmax") ? c.get("argmax") : golden.cases().get("dtype_variants");
        if (c.has("top2_margin")) {
            for (int t = 0; t < ids.length; t++) {
                if (c.get("top2_margin").get(t).asDouble() > 2 * TOL) {
                    assertEquals(argmax.get(t).asInt(), Approx.argmax(logits, t * v, v), what + " argmax at " + t);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void perLayerIntermediatesMatchReference(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            int[] ids = GoldenModel.ints(golden.testCase("len7").get("input_ids"));
            int n = ids.length;
            Config cfg = model.config();
            Map<String, float[]> stacked = new HashMap<>();
            ForwardProbe probe = (name, layer, data, rows, width) -> {
                if (layer < cfg.numLayers()) {
                    float[] all = stacked.computeIfAbsent(name, k -> new float[cfg.numLayers() * rows * width]);
                    System.arraycopy(data, 0, all, layer * rows * width, rows * width);
                }
            };
            KvCache cache = model.network().newCache(n);
            model.network().forward(List.of(new GptNeoX.Chunk(cache, ids)), ForwardOptions.LAST_LOGITS.withProbe(probe));
            for (String name : List.of("ln1_out", "qkv_out", "attn_out", "ln2_out", "mlp_h4h_out", "mlp_out")) {
                assertClose(golden.tensor("len7." + name), stacked.get(name), TOL, modelName + " len7." + name);
            }
            assertClose(golden.tensor("len7.attn_probs"), stacked.get("attn_probs"), PROBS_TOL, modelName + " len7.attn_probs");

            // HF's past_key_values are [layers, heads, n, headSize]; the cache is [layers][position][head][headSize].
            int heads = cfg.numHeads();
            int hd = cfg.headSize();
            float[] keys = new float[cfg.numLayers() * heads * n * hd];
            float[] values = new float[keys.length];
            for (int l = 0; l < cfg.numLayers(); l++) {
                for (int head = 0; head < heads; head++) {
                    for (int p = 0; p < n; p++) {
                        int dst = ((l * heads + head) * n + p) * hd;
                        System.arraycopy(cache.keys(l), p * cfg.hiddenSize() + head * hd, keys, dst, hd);
                        System.arraycopy(cache.values(l), p * cfg.hiddenSize() + head * hd, values, dst, hd);
                    }
                }
            }
            assertClose(golden.tensor("len7.key_cache"), keys, TOL, modelName + " key_cache");
            assertClose(golden.tensor("len7.value_cache"), values, TOL, modelName + " value_cache");
            assertEquals(n, cache.length());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void batchOfTwoSequencesMatchesReference(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            JsonNode batch = golden.cases().get("batch");
            int[] a = GoldenModel.ints(batch.get("prompts").get(0));
            int[] b = GoldenModel.ints(batch.get("prompts").get(1));
            KvCache ca = model.network().newCache(32);
            KvCache cb = model.network().newCache(32);
            ForwardResult r = model.network().forward(
                    List.of(new GptNeoX.Chunk(ca, a), new GptNeoX.Chunk(cb, b)), ForwardOptions.LAST_LOGITS);
            assertClose(golden.tensor("batch.logits_last"), r.logits(), TOL, modelName + " batch.logits_last");
            int v = model.config().vocabSize();
            assertArrayEquals(GoldenModel.ints(batch.get("argmax_last")),
                    new int[] {Approx.argmax(r.logits(), 0, v), Approx.argmax(r.logits(), v, v)});
        }
    }
}
