package org.neox4j.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neox4j.format.gguf.GgmlType;
import org.neox4j.format.gguf.GgufFile;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.tensor.DType;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GgufFixtures;
import org.neox4j.testing.GoldenModel;

/**
 * Golden models written as Q8_0 and Q4_0 GGUF files stay within the distance of the float32
 * goldens that the kernels work documents for quantized weights (model.QuantizedGoldenTest,
 * docs/KERNELS.md), and a Q8_0 file holds exactly the blocks that quantizing at load gives:
 * its logits equal those of `--weights-dtype q8_0` on the Hugging Face files.
 */
class GgufQuantizedGoldenTest {

    private static float[] logits(NeoxModel model, int[] ids) {
        return model.network().forward(List.of(new GptNeoX.Chunk(model.network().newCache(ids.length), ids)),
                ForwardOptions.ALL_LOGITS).logits();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        // model, dtype, bound on max |Δ logit| (the kernels work's bounds for quantizing at load)
        "tiny-parallel, Q8_0, 0.10",
        "tiny-sequential, Q8_0, 0.10",
        "tiny-parallel, Q4_0, 1.8",
        "tiny-sequential, Q4_0, 1.6",
    })
    void logitsStayNearFloat32Reference(String modelName, DType dtype, double bound) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(GgufFixtures.gguf(golden.dir(), dtype), LoadOptions.defaults().withThreads(2));
             GgufFile file = GgufFile.open(GgufFixtures.gguf(golden.dir(), dtype))) {
            assertEquals(GgmlType.of(dtype), file.info("gpt_neox.layers.0.mlp.dense_h_to_4h.weight").orElseThrow().type());
            assertEquals(dtype == DType.Q4_0 ? GgmlType.Q8_0 : GgmlType.of(dtype), file.info("embed_out.weight").orElseThrow().type(),
                    "the head: Q8_0 in a Q4_0 file");
            assertEquals(GgmlType.F32, file.info("gpt_neox.layers.0.mlp.dense_h_to_4h.bias").orElseThrow().type());
            double worst = 0;
            for (JsonNode c : golden.cases().get("cases")) {
                String name = c.get("name").asText();
                if (golden.hasTensor(name + ".logits")) {
                    worst = Math.max(worst, Approx.maxAbsDiff(golden.tensor(name + ".logits"), logits(model, GoldenModel.ints(c.get("input_ids")))));
                }
            }
            System.out.printf("GGUF %s %s: max |Δ logit| vs float32 golden = %.5f (bound %.2f)%n", modelName, dtype, worst, bound);
            assertTrue(worst <= bound && worst > 0, modelName + " " + dtype + ": max |Δ logit| " + worst);
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny-parallel", "tiny-sequential"})
    void q8_0FileEqualsQuantizingAtLoad(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel gguf = ModelLoader.load(GgufFixtures.gguf(golden.dir(), DType.Q8_0), LoadOptions.defaults().withThreads(1));
             NeoxModel atLoad = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(1).withWeightsDtype(DType.Q8_0))) {
            int[] ids = GoldenModel.ints(golden.testCase("len7").get("input_ids"));
            Approx.assertClose(logits(atLoad, ids), logits(gguf, ids), 1e-5, modelName + " Q8_0 GGUF vs quantized at load");
        }
    }
}
