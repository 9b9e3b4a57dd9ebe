package org.neox4j.format.neox;

import org.neox4j.loader.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.ProgressListener;
import org.neox4j.generate.GenerationResult;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.HfConfig;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;

/** The native tiny checkpoint runs through the engine's normal loader and matches the Hugging Face goldens. */
class NeoxForwardTest {
    @TempDir
    Path tmp;

    @Test
    void nativeCheckpointGivesTheGoldenLogits() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
                NeoxModel model = ModelLoader.load(golden.dir().resolve("neox-native"), LoadOptions.defaults().withThreads(2))) {
            assertEquals(HfConfig.read(golden.dir()), model.config());
            for (String caseName : List.of("len1", "len7")) {
                JsonNode c = golden.testCase(caseName);
                int[] ids = GoldenModel.ints(c.get("input_ids"));
                GptNeoX net = model.network();
                float[] logits = net.forward(List.of(new GptNeoX.Chunk(net.newCache(ids.length), ids)), ForwardOptions.ALL_LOGITS).logits();
                Approx.assertClose(golden.tensor(caseName + ".logits"), logits, 1e-4, "neox-native " + caseName + " logits");
                int v = model.config().vocabSize();
                int[] argmax = GoldenModel.ints(c.get("argmax"));
                for (int t = 0; t < ids.length; t++) {
                    assertEquals(argmax[t], Approx.argmax(logits, t * v, v), caseName + " argmax at " + t);
                }
            }
        }
    }

    @Test
    void nativeCheckpointGivesTheGoldenGreedyTokens() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
                LanguageModel lm = LanguageModel.load(golden.dir().resolve("neox-native"), LoadOptions.defaults().withThreads(2))) {
            JsonNode g = golden.cases().get("generation").get(0);
            int[] expected = GoldenModel.ints(g.get("new_tokens"));
            GenerationResult r = lm.start(GoldenModel.ints(g.get("prompt_ids")), SamplingParams.greedy(expected.length).withIgnoreEos(true), 64)
                    .drain(null);
            assertArrayEquals(expected, r.tokenIds());
            assertEquals(golden.dir().resolve("neox-native/20B_tokenizer.json"), lm.model().tokenizerFile().orElseThrow());
        }
    }

    @Test
    void cacheIsMadeOnceAndLoadsLikeTheHuggingFaceCopy() throws Exception {
        String old = System.getProperty("neox4j.cache");
        System.setProperty("neox4j.cache", tmp.toString());
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            Path nativeDir = golden.dir().resolve("neox-native");
            Path cached = NeoxCache.prepare(nativeDir, ProgressListener.NONE);
            assertEquals(NeoxCache.location(nativeDir), cached);
            assertEquals(tmp.resolve("neox"), cached.getParent());
            long modified = java.nio.file.Files.getLastModifiedTime(cached.resolve("config.json")).toMillis();
            Thread.sleep(20);
            assertEquals(cached, NeoxCache.prepare(nativeDir, ProgressListener.NONE), "reused, not converted again");
            assertEquals(modified, java.nio.file.Files.getLastModifiedTime(cached.resolve("config.json")).toMillis());
            assertEquals(HfConfig.read(golden.dir()), HfConfig.read(cached));
        } finally {
            if (old == null) {
                System.clearProperty("neox4j.cache");
            } else {
                System.setProperty("neox4j.cache", old);
            }
        }
    }
}
