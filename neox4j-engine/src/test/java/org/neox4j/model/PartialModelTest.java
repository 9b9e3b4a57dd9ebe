package org.neox4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neox4j.Neox4jException;
import org.neox4j.loader.ModelLoader;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;

/**
 * A model loaded in shares ({@link ModelPart}) and run step by step (embed, layer ranges, head)
 * gives the logits of the whole model's forward pass, and each share holds only its weights.
 */
class PartialModelTest {
    private static LoadOptions options(ModelPart part) {
        return LoadOptions.defaults().withThreads(2).withPart(part);
    }

    @Test
    void sharesRunStepByStepEqualTheWholeForwardPass() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             NeoxModel whole = ModelLoader.load(golden.dir(), options(ModelPart.WHOLE));
             NeoxModel ends = ModelLoader.load(golden.dir(), options(ModelPart.endsWithLayers(1)));
             NeoxModel middle = ModelLoader.load(golden.dir(), options(ModelPart.layers(1, 2)));
             NeoxModel last = ModelLoader.load(golden.dir(), options(new ModelPart(2, ModelPart.TO_LAST, false)))) {
            int h = whole.config().hiddenSize();
            int[] prompt = GoldenModel.ints(golden.testCase("len7").get("input_ids"));
            int[] second = {prompt[0], prompt[1]};

            KvCache full = whole.network().newCache(16);
            KvCache fullB = whole.network().newCache(16);
            float[] expected = whole.network().forward(List.of(new GptNeoX.Chunk(full, prompt), new GptNeoX.Chunk(fullB, second)),
                    ForwardOptions.ALL_LOGITS).logits();

            KvCache[] a = {ends.network().newCache(16), middle.network().newCache(16), last.network().newCache(16)};
            KvCache[] b = {ends.network().newCache(16), middle.network().newCache(16), last.network().newCache(16)};
            float[] x = new float[(prompt.length + second.length) * h];
            List<GptNeoX.Chunk> first = List.of(new GptNeoX.Chunk(a[0], prompt), new GptNeoX.Chunk(b[0], second));
            ends.network().embed(first, x);
            ends.network().runLayers(0, 1, first, x);
            middle.network().runLayers(1, 2, hidden(a[1], prompt.length, b[1], second.length), x);
            last.network().runLayers(2, 3, hidden(a[2], prompt.length, b[2], second.length), x);
            float[] actual = ends.network().head(first, ForwardOptions.Logits.ALL, x).logits();
            // Not bit for bit: the Vector API's reductions round differently before and after the JIT compiles them.
            Approx.assertClose(expected, actual, 1e-5, "tiny-pythia split in three shares, logits");
            for (KvCache cc : a) {
                assertEquals(prompt.length, cc.length(), "every share's cache advanced by the chunk's rows");
            }
            Approx.assertClose(full.keys(1), a[1].keys(1), 1e-5, "layer 1's keys live in the middle share's cache");
            Approx.assertClose(full.values(2), a[2].values(2), 1e-5, "layer 2's values live in the last share's cache");
        }
    }

    private static List<GptNeoX.Chunk> hidden(KvCache a, int rowsA, KvCache b, int rowsB) {
        return List.of(GptNeoX.Chunk.ofHidden(a, rowsA), GptNeoX.Chunk.ofHidden(b, rowsB));
    }

    @Test
    void aShareHoldsOnlyItsWeightsAndCaches() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             NeoxModel worker = ModelLoader.load(golden.dir(), options(ModelPart.layers(1, 3)));
             NeoxModel coordinator = ModelLoader.load(golden.dir(), options(ModelPart.endsWithLayers(0)))) {
            ModelWeights w = worker.weights();
            assertEquals(1, w.firstLayer());
            assertEquals(3, w.endLayer());
            assertEquals(2, w.layers().size());
            assertNull(w.embedIn());
            assertNull(w.embedOut());
            assertFalse(w.hasEnds());
            KvCache cache = worker.network().newCache(4);
            assertEquals(1, cache.firstLayer());
            assertEquals(3, cache.endLayer());
            assertThrows(IllegalArgumentException.class, () -> cache.keys(0));
            assertTrue(w.bytesPerToken() > 0);

            assertTrue(coordinator.weights().hasEnds());
            assertTrue(coordinator.weights().layers().isEmpty());
            KvCache counter = coordinator.network().newCache(4);
            assertEquals(0, counter.endLayer() - counter.firstLayer(), "no local layers: the cache only counts positions");
        }
    }

    @Test
    void stepsAShareDoesNotHoldFailWithAClearMessage() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             NeoxModel worker = ModelLoader.load(golden.dir(), options(ModelPart.layers(1, 2)));
             NeoxModel ends = ModelLoader.load(golden.dir(), options(ModelPart.endsWithLayers(1)))) {
            KvCache cache = worker.network().newCache(4);
            String m = assertThrows(Neox4jException.class, () -> worker.network().forward(cache, new int[] {1})).getMessage();
            assertTrue(m.contains("holds layers 1-2 only"), m);
            m = assertThrows(Neox4jException.class, () -> worker.network().runLayers(0, 2,
                    List.of(GptNeoX.Chunk.ofHidden(cache, 1)), new float[24])).getMessage();
            assertTrue(m.contains("layers 0-2 were asked for, but this model holds layers 1-2"), m);
            m = assertThrows(Neox4jException.class, () -> ends.network().forward(ends.network().newCache(4), new int[] {1})).getMessage();
            assertTrue(m.contains("holds layers 0-1 of 3 only"), m);
            m = assertThrows(Neox4jException.class,
                    () -> ModelLoader.load(golden.dir(), options(ModelPart.layers(2, 5)))).getMessage();
            assertTrue(m.contains("the model has 3 layers"), m);
        }
    }
}
