package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neox4j.cli.ScoreCommandTest.LEN7_TEXT;
import static org.neox4j.cli.ScoreCommandTest.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.testing.GoldenModel;
import org.neox4j.testing.GoldenScores;

class PerplexityCommandTest {
    @TempDir
    Path dir;

    @Test
    void perplexityAndBitsPerByteOfAFileMatchTheGoldenLogits() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            GoldenScores ref = new GoldenScores(golden);
            int[] ids = ref.inputIds("len7");
            double nll = 0;
            for (int t = 1; t < 7; t++) {
                nll -= ref.logprob("len7", t - 1, ids[t]);
            }
            Path text = Files.writeString(dir.resolve("text.txt"), LEN7_TEXT);
            CliRun r = CliRun.run("perplexity", "-m", golden.dir().toString(), "--file", text.toString(), "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode o = new ObjectMapper().readTree(r.out());
            assertEquals(7, o.get("tokens").asInt());
            assertEquals(6, o.get("scored_tokens").asInt());
            assertEquals(48, o.get("bytes").asInt());
            assertEquals(1, o.get("windows").asInt());
            assertEquals(256, o.get("context").asInt());
            assertEquals(Math.exp(nll / 6), o.get("perplexity").asDouble(), 1e-4 * Math.exp(nll / 6));
            assertEquals(nll / Math.log(2) / 48, o.get("bits_per_byte").asDouble(), 1e-5);
            assertTrue(r.err().contains("perplexity  6 tokens in "), "progress on stderr: " + r.err());

            CliRun small = CliRun.run("perplexity", "-m", golden.dir().toString(), "--file", text.toString(), "--context", "4",
                    "--stride", "2", "--json");
            assertEquals(0, small.exitCode(), small.err());
            JsonNode s = new ObjectMapper().readTree(small.out());
            assertEquals(3, s.get("windows").asInt(), "windows [0,4) [2,6) [4,7)");
            assertEquals(6, s.get("scored_tokens").asInt());

            CliRun plain = CliRun.run("perplexity", "-m", golden.dir().toString(), "--file", text.toString(), "--bos");
            assertEquals(0, plain.exitCode(), plain.err());
            assertTrue(plain.out().contains("tokens:         7 (7 scored, 1 windows of 256, stride 64, BOS prepended)"), plain.out());
        }
    }

    @Test
    void unusableInputsGiveClearErrors() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            String m = golden.dir().toString();
            Path empty = Files.writeString(dir.resolve("empty.txt"), "");
            assertError("perplexity: error: " + empty + " is empty", CliRun.run("perplexity", "-m", m, "--file", empty.toString()));
            Path one = Files.writeString(dir.resolve("one.txt"), " reappe");
            assertError("perplexity: error: " + one + ": the text has 1 token; perplexity needs at least two",
                    CliRun.run("perplexity", "-m", m, "--file", one.toString()));
            Path text = Files.writeString(dir.resolve("text.txt"), LEN7_TEXT);
            assertError("perplexity: error: --context must be between 2 and the model's context of 256 tokens, got 257",
                    CliRun.run("perplexity", "-m", m, "--file", text.toString(), "--context", "257"));
            assertError("perplexity: error: the stride (8) must not exceed the window of 4 tokens",
                    CliRun.run("perplexity", "-m", m, "--file", text.toString(), "--context", "4", "--stride", "8"));
            Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9});
            assertError("is not valid UTF-8 text", CliRun.run("perplexity", "-m", m, "--file", dir.resolve("latin1.txt").toString()));
        }
    }
}
