package org.neox4j.convert;

import org.neox4j.loader.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.neox4j.testing.Approx.assertClose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neox4j.generate.GenerationResult;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.model.QkvLayout;
import org.neox4j.tensor.DType;
import org.neox4j.testing.GgufFixtures;
import org.neox4j.testing.GoldenModel;

/**
 * Golden models written as GGUF (llama.cpp's layout: split QKV, gpt2 tokenizer metadata) and read
 * back give the Hugging Face reference's logits and hidden states within 1e-4 and its greedy
 * tokens exactly. tiny-parallel's weights are exactly float16-representable, so its F16 file has
 * the float32 goldens; tiny-pythia's F16 file is made from its fp16 copy (whose norms and biases
 * are float16-rounded too) and checked against that copy's goldens.
 */
class GgufGoldenTest {
    static final double TOL = 1e-4;

    @ParameterizedTest
    @CsvSource({"tiny-parallel,F32,.,''", "tiny-sequential,F32,.,''", "tiny-pythia,F32,.,''", "tiny-parallel,F16,.,''",
        "tiny-pythia,F16,fp16,fp16."})
    void logitsAndHiddenStatesMatchReference(String modelName, DType dtype, String sourceDir, String goldenPrefix) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(GgufFixtures.gguf(golden.dir().resolve(sourceDir).normalize(), dtype),
                     LoadOptions.defaults().withThreads(2))) {
            assertEquals(QkvLayout.SPLIT, model.weights().qkvLayout());
            assertEquals(dtype, model.weights().layers().getFirst().qkv().dtype());
            for (String caseName : List.of("len1", "len7")) {
                int[] ids = GoldenModel.ints(golden.testCase(caseName).get("input_ids"));
                ForwardResult r = model.network().forward(List.of(new GptNeoX.Chunk(model.network().newCache(16), ids)),
                        ForwardOptions.ALL_LOGITS.withHiddenStates());
                String prefix = goldenPrefix + caseName;
                String what = modelName + " GGUF " + dtype + " " + prefix;
                assertClose(golden.tensor(prefix + ".logits"), r.logits(), TOL, what + " logits");
                float[] expectedHidden = golden.tensor(prefix + ".hidden_states");
                float[] hidden = new float[expectedHidden.length];
                int h = model.config().hiddenSize();
                for (int l = 0; l <= model.config().numLayers(); l++) {
                    System.arraycopy(r.hiddenStates()[l], 0, hidden, l * ids.length * h, ids.length * h);
                }
                assertClose(expectedHidden, hidden, TOL, what + " hidden_states");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny-parallel,F32", "tiny-sequential,F32", "tiny-pythia,F32", "tiny-parallel,F16"})
    void greedyTokensMatchReference(String modelName, DType dtype) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             LanguageModel lm = LanguageModel.load(GgufFixtures.gguf(golden.dir(), dtype), LoadOptions.defaults().withThreads(2))) {
            JsonNode g = golden.cases().get("generation").get(0);
            int[] expected = GoldenModel.ints(g.get("new_tokens"));
            GenerationResult r = lm.start(GoldenModel.ints(g.get("prompt_ids")),
                    SamplingParams.greedy(expected.length).withIgnoreEos(true), 64).drain(null);
            assertArrayEquals(expected, r.tokenIds(), modelName + " GGUF " + dtype + " greedy20");
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny-parallel", "tiny-pythia"})
    void configSurvivesTheRoundTrip(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel hf = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(1));
             NeoxModel gguf = ModelLoader.load(GgufFixtures.gguf(golden.dir(), DType.F32), LoadOptions.defaults().withThreads(1))) {
            assertEquals(hf.config(), gguf.config());
        }
    }

}
