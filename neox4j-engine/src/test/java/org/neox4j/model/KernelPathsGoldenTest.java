package org.neox4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.neox4j.testing.Approx.assertClose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neox4j.tensor.DType;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;
import org.neox4j.loader.ModelLoader;

/**
 * The golden references through every kernel path: the f16 and bf16 pair kernels (tiny-parallel's
 * float32 weights are all exactly f16-representable, so converting them to f16 at load must
 * reproduce the float32 goldens within 1e-4), single- and multi-threaded decode (matrix-vector)
 * and prefill (33 tokens: the packed GEMM), and greedy decoding token for token.
 */
class KernelPathsGoldenTest {
    static final double TOL = ForwardGoldenTest.TOL;

    @ParameterizedTest(name = "{0} as {1}, {2} threads")
    @CsvSource({
        "tiny-parallel, F16, 1", "tiny-parallel, F16, 2", "tiny-parallel, F16, 3",
        "tiny-parallel, F32, 1", "tiny-parallel, F32, 3",
        "tiny-sequential, F32, 1", "tiny-sequential, F32, 3",
        "tiny-pythia, F32, 1", "tiny-pythia, F32, 3",
    })
    void everyCaseMatchesReference(String modelName, DType dtype, int threads) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), new LoadOptions(threads).withWeightsDtype(dtype))) {
            int v = model.config().vocabSize();
            for (JsonNode c : golden.cases().get("cases")) {
                String name = c.get("name").asText();
                int[] ids = GoldenModel.ints(c.get("input_ids"));
                KvCache cache = model.network().newCache(ids.length);
                ForwardResult r = model.network().forward(List.of(new GptNeoX.Chunk(cache, ids)),
                        ForwardOptions.ALL_LOGITS.withHiddenStates());
                String what = modelName + " " + dtype + " threads=" + threads + " " + name;
                if (golden.hasTensor(name + ".logits")) {
                    assertClose(golden.tensor(name + ".logits"), r.logits(), TOL, what + " logits");
                } else {
                    int[] positions = GoldenModel.ints(c.get("logits_rows_positions"));
                    float[] rows = new float[positions.length * v];
                    for (int i = 0; i < positions.length; i++) {
                        System.arraycopy(r.logits(), positions[i] * v, rows, i * v, v);
                    }
                    assertClose(golden.tensor(name + ".logits_rows"), rows, TOL, what + " logits_rows");
                }
                int h = model.config().hiddenSize();
                float[] last = r.hiddenStates()[model.config().numLayers()];
                float[] expected = golden.tensor(name + ".hidden_states");
                float[] expectedLast = java.util.Arrays.copyOfRange(expected, expected.length - ids.length * h, expected.length);
                assertClose(expectedLast, last, TOL, what + " final hidden states");
            }
        }
    }

    @ParameterizedTest(name = "{0} as {1}, {2} threads")
    @CsvSource({"tiny-parallel, F16, 1", "tiny-parallel, F16, 3", "tiny-sequential, F32, 2", "tiny-pythia, F32, 3"})
    void greedyDecodeMatchesReference(String modelName, DType dtype, int threads) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), new LoadOptions(threads).withWeightsDtype(dtype))) {
            JsonNode g = golden.cases().get("generation").get(0);
            int[] prompt = GoldenModel.ints(g.get("prompt_ids"));
            int[] expected = GoldenModel.ints(g.get("new_tokens"));
            int v = model.config().vocabSize();
            KvCache cache = model.network().newCache(prompt.length + expected.length);
            float[] logits = new float[v];
            model.network().forwardLast(cache, prompt, logits);
            int[] got = new int[expected.length];
            int[] token = new int[1];
            for (int i = 0; i < expected.length; i++) {
                got[i] = Approx.argmax(logits, 0, v);
                token[0] = got[i];
                if (i + 1 < expected.length) {
                    model.network().forwardLast(cache, token, logits);
                }
            }
            assertArrayEquals(expected, got, modelName + " " + dtype + " greedy tokens");
        }
    }
}
