package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neox4j.testing.Approx.assertClose;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.testing.GoldenModel;

class ForwardAndInfoCommandTest {
    @TempDir
    Path dir;

    @Test
    void forwardWritesGoldenLogitsAndHiddenStates() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential")) {
            String ids = golden.testCase("len7").get("input_ids").toString().replaceAll("[\\[\\] ]", "");
            Path out = dir.resolve("out.safetensors");
            CliRun r = CliRun.run("forward", "--model", golden.dir().toString(), "--token-ids", ids, "--output", out.toString(), "--hidden-states");
            assertEquals(0, r.exitCode(), r.err());
            try (SafetensorsFile f = SafetensorsFile.open(out)) {
                assertEquals("[7, 512]", java.util.Arrays.toString(f.get("logits").shape()));
                assertClose(golden.tensor("len7.logits"), f.get("logits").toFloatArray(), 1e-4, "forward logits");
                assertClose(golden.tensor("len7.hidden_states"), f.get("hidden_states").toFloatArray(), 1e-4, "forward hidden_states");
            }
        }
    }

    @Test
    void infoPrintsConfigAndSizes() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential")) {
            CliRun text = CliRun.run("info", "--model", golden.dir().toString());
            assertEquals(0, text.exitCode(), text.err());
            assertTrue(text.out().contains("layers:           3") && text.out().contains("sequential"), text.out());
            CliRun json = CliRun.run("info", "--model", golden.dir().toString(), "--json");
            var node = new ObjectMapper().readTree(json.out());
            assertEquals(96, node.get("hiddenSize").asInt());
            // 3 layers × (4·96² + 4·96 attention + 2·96·384 + 384 + 96 MLP + 4·96 norms) + 2·512·96 embeddings + 2·96 final norm
            long expected = 3L * (4 * 96 * 96 + 4 * 96 + 2 * 96 * 384 + 384 + 96 + 4 * 96) + 2L * 512 * 96 + 2 * 96;
            assertEquals(expected, node.get("parameters").asLong());
            assertEquals(expected * 4, node.get("weight_bytes").asLong(), "float32 file holds exactly the parameters");
        }
    }
}
