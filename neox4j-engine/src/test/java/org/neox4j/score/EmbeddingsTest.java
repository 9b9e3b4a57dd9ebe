package org.neox4j.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neox4j.Neox4jException;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;

/** Pooled hidden states against the golden {@code hidden_states} (pooled here in double precision). */
class EmbeddingsTest {
    static final double TOL = 1e-4;
    static final List<String> CASES = List.of("len1", "len7", "len33");

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void pooledHiddenStatesMatchReference(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            int layers = model.config().numLayers();
            int h = model.config().hiddenSize();
            List<int[]> texts = new ArrayList<>();
            for (String c : CASES) {
                texts.add(GoldenModel.ints(golden.testCase(c).get("input_ids")));
            }
            // a budget of 8 tokens: len1 and len7 share a pass, len33 runs alone
            Embeddings embeddings = new Embeddings(model.network(), 8);
            double worst = 0;
            for (int layer : new int[] {0, 1, layers, -1}) {
                int index = layer < 0 ? layers : layer;
                for (Pooling pooling : Pooling.values()) {
                    List<float[]> vectors = embeddings.embed(texts, layer, pooling);
                    for (int i = 0; i < CASES.size(); i++) {
                        float[] hidden = golden.tensor(CASES.get(i) + ".hidden_states");
                        float[] expected = pooled(hidden, index, texts.get(i).length, h, pooling);
                        double d = Approx.maxAbsDiff(expected, vectors.get(i));
                        assertTrue(d <= TOL, modelName + " " + CASES.get(i) + " layer " + layer + " " + pooling + ": max |Δ| " + d);
                        worst = Math.max(worst, d);
                    }
                }
            }
            System.out.printf("golden %-45s max |Δ| %.2e (tolerance %.0e)%n", modelName + " embeddings (4 layers × mean, last)", worst, TOL);
        }
    }

    /** Mean (in double) or last row of hidden state {@code index} of a golden {@code [L+1, n, h]} tensor. */
    static float[] pooled(float[] hidden, int index, int n, int h, Pooling pooling) {
        float[] out = new float[h];
        int base = index * n * h;
        for (int j = 0; j < h; j++) {
            if (pooling == Pooling.LAST) {
                out[j] = hidden[base + (n - 1) * h + j];
            } else {
                double sum = 0;
                for (int t = 0; t < n; t++) {
                    sum += hidden[base + t * h + j];
                }
                out[j] = (float) (sum / n);
            }
        }
        return out;
    }

    @Test
    void badLayersAndTextsAreRejected() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            Embeddings e = new Embeddings(model.network());
            assertEquals(3, e.resolveLayer(-1));
            assertEquals(0, e.resolveLayer(-4));
            Neox4jException high = assertThrows(Neox4jException.class, () -> e.resolveLayer(4));
            assertEquals("layer 4 does not exist: this model has hidden states 0..3 (0 = embeddings, 3 = after the final LayerNorm;"
                    + " -1 = the last)", high.getMessage());
            assertThrows(Neox4jException.class, () -> e.resolveLayer(-5));
            Neox4jException empty = assertThrows(Neox4jException.class, () -> e.embed(List.of(new int[] {1}, new int[0]), -1, Pooling.MEAN));
            assertEquals("text 2 has no tokens; there is nothing to embed", empty.getMessage());
            Neox4jException tooLong = assertThrows(Neox4jException.class, () -> e.embed(new int[257], -1, Pooling.LAST));
            assertEquals("text 1 has 257 tokens, more than the model's context of 256 tokens", tooLong.getMessage());
        }
    }
}
