package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.neox4j.testing.GoldenModel;
import org.neox4j.testing.GoldenScores;

class ScoreCommandTest {
    static final double TOL = 1e-4;
    /** The golden case len7 of tiny-parallel, as text. */
    static final String LEN7_TEXT = " depositaughing状 dentro Dubai elite serialized";

    @Test
    void textRequestMatchesTheGoldenLogSoftmax() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            GoldenScores ref = new GoldenScores(golden);
            int[] len7 = ref.inputIds("len7");
            CliRun r = CliRun.run("score", "-m", golden.dir().toString(), "--context", " depositaughing状 dentro",
                    "--continuation", " Dubai elite serialized", "--top-k", "3", "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode o = new ObjectMapper().readTree(r.out());
            assertEquals(Arrays.toString(Arrays.copyOf(len7, 4)), Arrays.toString(GoldenModel.ints(o.get("context_token_ids"))));
            assertEquals(Arrays.toString(Arrays.copyOfRange(len7, 4, 7)), Arrays.toString(GoldenModel.ints(o.get("continuation_token_ids"))));
            double sum = 0;
            for (int j = 0; j < 3; j++) {
                JsonNode t = o.get("tokens").get(j);
                double[] row = ref.row("len7", 3 + j);
                assertEquals(row[len7[4 + j]], t.get("logprob").asDouble(), TOL);
                assertFalse(t.get("greedy").asBoolean(), "no token of len7 after position 3 is the argmax");
                JsonNode best = t.get("top").get(0);
                assertEquals(ref.argmax("len7", 3 + j), best.get("id").asInt());
                assertEquals(row[best.get("id").asInt()], best.get("logprob").asDouble(), TOL);
                assertEquals(3, t.get("top").size());
                sum += row[len7[4 + j]];
            }
            assertEquals(" Dubai", o.get("tokens").get(0).get("text").asText());
            assertEquals(sum, o.get("logprob").asDouble(), TOL);
            assertFalse(o.get("greedy").asBoolean());
        }
    }

    @Test
    void tokenIdRequestMatchesTheGoldenLogSoftmax() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential")) {
            GoldenScores ref = new GoldenScores(golden);
            int[] ids = ref.inputIds("len7");
            CliRun r = CliRun.run("score", "-m", golden.dir().toString(), "--context-token-ids", String.valueOf(ids[0]),
                    "--continuation-token-ids", join(Arrays.copyOfRange(ids, 1, 7)), "--top-k", "0");
            assertEquals(0, r.exitCode(), r.err());
            double sum = 0;
            for (int p = 0; p < 6; p++) {
                sum += ref.logprob("len7", p, ids[p + 1]);
            }
            // the text table: one line per token ("#id", logprob, greedy) and the total
            assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "total logprob %.4f", sum)), r.out());
            assertTrue(r.out().contains("#" + ids[1] + " "), r.out());
        }
    }

    @Test
    void badRequestsGiveClearErrors() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            String m = golden.dir().toString();
            assertError("score: error: the continuation is empty; there is nothing to score",
                    CliRun.run("score", "-m", m, "--context", "a", "--continuation", ""));
            assertError("score: error: give --context and --continuation (text), or --context-token-ids and --continuation-token-ids",
                    CliRun.run("score", "-m", m, "--context", "a", "--continuation-token-ids", "1"));
            assertError("score: error: token id 60000 is outside the model's vocabulary [0, 50432)",
                    CliRun.run("score", "-m", m, "--context-token-ids", "1", "--continuation-token-ids", "60000"));
            assertError("score: error: --top-k must be in 0..1000, got -1",
                    CliRun.run("score", "-m", m, "--context", "a", "--continuation", " b", "--top-k", "-1"));
        }
        try (GoldenModel golden = GoldenModel.open("tiny-sequential")) {
            CliRun r = CliRun.run("score", "-m", golden.dir().toString(), "--context", "a", "--continuation", " b");
            assertEquals(1, r.exitCode());
            assertTrue(r.err().contains("no tokenizer.json beside the model"), r.err());
        }
    }

    static void assertError(String message, CliRun r) {
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    static String join(int[] ids) {
        return String.join(",", Arrays.stream(ids).mapToObj(String::valueOf).toList());
    }
}
