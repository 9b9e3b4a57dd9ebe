package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.neox4j.testing.Golden;
import org.neox4j.testing.GoldenModel;
import org.neox4j.tokenizer.Tokenizer;

class GenerateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void greedyJsonOutputMatchesTheReferenceTokens() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            JsonNode g = golden.cases().get("generation").get(0);
            String prompt = g.get("prompt_ids").toString().replaceAll("[\\[\\] ]", "");
            CliRun r = CliRun.run("generate", "--model", golden.dir().toString(), "--prompt-token-ids", prompt,
                    "--greedy", "-n", "20", "--ignore-eos", "--output-format", "json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode out = JSON.readTree(r.out());
            int[] ids = GoldenModel.ints(out.get("token_ids"));
            assertEquals(Arrays.toString(GoldenModel.ints(g.get("new_tokens"))), Arrays.toString(ids));
            assertEquals("length", out.get("finish_reason").asText());
            Tokenizer tokenizer = Tokenizer.load(golden.dir());
            assertEquals(tokenizer.decode(ids, true), out.get("text").asText());
        }
    }

    @Test
    void textPromptStreamsTextToStdoutAndStatsToStderr() {
        Path model = Golden.model("tiny-parallel");
        CliRun r = CliRun.run("generate", "--model", model.toString(), "--prompt", "Hello", "-n", "8", "--seed", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(r.out().isBlank());
        assertTrue(r.err().contains("prompt tokens") && r.err().contains("tok/s"), r.err());
    }

    @Test
    void sameSeedSameOutputDifferentSeedDifferentOutput() throws Exception {
        Path model = Golden.model("tiny-parallel");
        String[] base = {"generate", "--model", model.toString(), "--prompt", "Hello world", "-n", "16", "--ignore-eos",
            "--temperature", "1.5", "--top-k", "0", "--top-p", "1", "--min-p", "0", "--output-format", "json", "--seed"};
        String a = JSON.readTree(CliRun.run(concat(base, "7")).out()).get("token_ids").toString();
        String b = JSON.readTree(CliRun.run(concat(base, "7")).out()).get("token_ids").toString();
        String c = JSON.readTree(CliRun.run(concat(base, "8")).out()).get("token_ids").toString();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void stopStringEndsTheOutputBeforeIt() throws Exception {
        Path model = Golden.model("tiny-parallel");
        JsonNode full = JSON.readTree(CliRun.run("generate", "--model", model.toString(), "--prompt", "Hello", "-n", "20",
                "--greedy", "--ignore-eos", "--output-format", "json").out());
        String text = full.get("text").asText();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
        JsonNode cut = JSON.readTree(CliRun.run("generate", "--model", model.toString(), "--prompt", "Hello", "-n", "20",
                "--greedy", "--ignore-eos", "--stop", stop, "--output-format", "json").out());
        assertEquals(text.substring(0, text.indexOf(stop)), cut.get("text").asText());
        assertEquals("stop", cut.get("finish_reason").asText());
    }

    @Test
    void errorsAreClearAndExitWithOne() {
        Path model = Golden.model("tiny-sequential");
        CliRun badId = CliRun.run("generate", "--model", model.toString(), "--prompt-token-ids", "1,512", "-n", "2");
        assertEquals(1, badId.exitCode());
        assertTrue(badId.err().contains("prompt token id 512 is outside the model's vocabulary [0, 512)"), badId.err());

        CliRun tooLong = CliRun.run("generate", "--model", model.toString(), "--prompt-token-ids", "1,2,3,4,5", "--context", "4");
        assertEquals(1, tooLong.exitCode());
        assertTrue(tooLong.err().contains("the prompt has 5 tokens, more than the context of 4 tokens"), tooLong.err());

        CliRun missing = CliRun.run("generate", "--model", "/nonexistent/model", "--prompt", "x");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("model '/nonexistent/model' not found: no such file or directory"), missing.err());

        CliRun badTemperature = CliRun.run("generate", "--model", model.toString(), "--prompt-token-ids", "1", "--temperature", "-1");
        assertEquals(1, badTemperature.exitCode());
        assertTrue(badTemperature.err().contains("temperature must be in [0, 100]"), badTemperature.err());

        CliRun noTokenizer = CliRun.run("generate", "--model", model.toString(), "--prompt", "text needs a tokenizer");
        assertEquals(1, noTokenizer.exitCode());
        assertTrue(noTokenizer.err().contains("no tokenizer.json beside the model"), noTokenizer.err());

        CliRun usage = CliRun.run("generate", "--model", model.toString(), "--max-new-tokens", "many");
        assertEquals(2, usage.exitCode());
        assertFalse(usage.err().contains("Exception"), usage.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
