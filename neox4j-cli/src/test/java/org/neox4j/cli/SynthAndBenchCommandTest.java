package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.Config;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.tensor.DType;
import org.neox4j.testing.GoldenModel;

/**
 * {@code synth} writes a loadable model of the real shape whose logits are finite and vary;
 * {@code bench --json} reports every key issue 4 names, with consistent values. Speeds are not
 * asserted (they are measured by the benchmarks, not tests).
 */
class SynthAndBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void synthWritesALoadablePythia160mShape() throws Exception {
        Path out = dir.resolve("p160m");
        CliRun r = CliRun.run("synth", "--shape", "pythia-160m", "--dtype", "bf16", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("config.json")) && Files.isRegularFile(out.resolve("model.safetensors")));
        try (NeoxModel m = ModelLoader.load(out, LoadOptions.defaults().withThreads(2).withWeightsDtype(DType.Q8_0))) {
            Config c = m.config();
            assertEquals(List.of(768, 12, 12, 3072, 50304, 16), List.of(c.hiddenSize(), c.numLayers(), c.numHeads(),
                    c.intermediateSize(), c.vocabSize(), c.rotaryDims()));
            assertTrue(c.parallelResidual());
            assertEquals(DType.Q8_0, m.weights().layers().get(0).qkv().dtype());
            GptNeoX net = m.network();
            float[] logits = net.forward(net.newCache(8), new int[] {1, 2, 3});
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : logits) {
                assertTrue(Float.isFinite(v), "finite logits");
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertTrue(max - min > 1e-3, "logits vary: " + min + ".." + max);
        }
    }

    @Test
    void benchJsonHasTheIssueKeys() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            CliRun r = CliRun.run("bench", "--model", golden.dir().toString(), "--dtype", "q4_0", "--threads", "2",
                    "--prompt-tokens", "8", "--gen-tokens", "4", "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode o = new ObjectMapper().readTree(r.out());
            for (String key : List.of("prefill_tok_s", "decode_tok_s", "weight_bytes_per_token", "bandwidth_gb_s",
                    "decode_roofline_fraction")) {
                assertTrue(o.has(key) && o.get(key).asDouble() > 0, key + " in " + o);
            }
            double expected = o.get("weight_bytes_per_token").asDouble() * o.get("decode_tok_s").asDouble()
                    / (o.get("bandwidth_gb_s").asDouble() * 1e9);
            assertEquals(expected, o.get("decode_roofline_fraction").asDouble(), 1e-9 + 1e-6 * expected);
            assertEquals("q4_0", o.get("dtype").asText());
        }
    }

    @Test
    void benchNeedsExactlyOneModelSource() {
        CliRun r = CliRun.run("bench", "--prompt-tokens", "8");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--model or --shape"), r.err());
    }
}
