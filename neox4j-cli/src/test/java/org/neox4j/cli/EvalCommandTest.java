package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neox4j.cli.ScoreCommandTest.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.score.eval.EvaluationGoldenTest;
import org.neox4j.score.eval.EvaluationGoldenTest.Expected;
import org.neox4j.testing.GoldenModel;
import org.neox4j.testing.GoldenScores;

/** {@code neox4j eval} on the engine's fixture data sets, against metrics computed from the golden logits. */
class EvalCommandTest {
    @TempDir
    Path dir;

    /** Copies a fixture out of the engine's test resources (which may be inside a jar). */
    Path fixture(String name) throws IOException {
        try (InputStream in = EvaluationGoldenTest.class.getResourceAsStream("/score/" + name)) {
            Path file = dir.resolve(name);
            Files.copy(in, file);
            return file;
        }
    }

    @Test
    void lambadaReportsTheHarnessMetrics() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            GoldenScores ref = new GoldenScores(golden);
            Path samples = dir.resolve("samples.jsonl");
            CliRun r = CliRun.run("eval", "-m", golden.dir().toString(), "--task", "lambada", "--file", fixture("lambada-tiny-parallel.jsonl").toString(),
                    "--samples", samples.toString(), "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode o = new ObjectMapper().readTree(r.out());
            double ll = 0;
            int greedy = 0;
            for (Expected e : EvaluationGoldenTest.LAMBADA) {
                ll += EvaluationGoldenTest.expectedLogprob(ref, e);
                greedy += EvaluationGoldenTest.expectedGreedy(ref, e) ? 1 : 0;
            }
            assertEquals(5, o.get("documents").asInt());
            assertEquals(greedy / 5.0, o.get("metrics").get("acc").asDouble(), 1e-12);
            double perplexity = Math.exp(-ll / 5);
            assertEquals(perplexity, o.get("metrics").get("perplexity").asDouble(), 1e-4 * perplexity);
            List<String> lines = Files.readAllLines(samples, StandardCharsets.UTF_8);
            assertEquals(5, lines.size());
            JsonNode fourth = new ObjectMapper().readTree(lines.get(3));
            assertEquals(" eliteogene", fourth.get("target").asText());
            assertEquals("[17832,6679]", fourth.get("target_token_ids").toString());
            assertEquals(EvaluationGoldenTest.expectedLogprob(ref, EvaluationGoldenTest.LAMBADA.get(3)), fourth.get("logprob").asDouble(), 1e-4);

            CliRun limited = CliRun.run("eval", "-m", golden.dir().toString(), "--task", "lambada", "--file",
                    dir.resolve("lambada-tiny-parallel.jsonl").toString(), "--limit", "2");
            assertEquals(0, limited.exitCode(), limited.err());
            assertTrue(limited.out().startsWith("lambada: 2 documents from"), limited.out());
        }
    }

    @Test
    void multipleChoiceReportsAccAccNormAndAccBytes() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            GoldenScores ref = new GoldenScores(golden);
            Path data = fixture("multiple-choice-tiny-parallel.jsonl");
            CliRun r = CliRun.run("eval", "-m", golden.dir().toString(), "--task", "multiple-choice", "--file", data.toString(), "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode metrics = new ObjectMapper().readTree(r.out()).get("metrics");
            int[] gold = {0, 3, 0};
            int[] hits = new int[3];
            for (int q = 0; q < 3; q++) {
                List<Expected> choices = EvaluationGoldenTest.MULTIPLE_CHOICE.get(q);
                List<String> texts = choices(Files.readAllLines(data, StandardCharsets.UTF_8).get(q));
                double[] ll = new double[choices.size()];
                double[] ones = new double[ll.length];
                double[] chars = new double[ll.length];
                double[] bytes = new double[ll.length];
                for (int c = 0; c < ll.length; c++) {
                    ll[c] = EvaluationGoldenTest.expectedLogprob(ref, choices.get(c));
                    ones[c] = 1;
                    chars[c] = texts.get(c).codePointCount(0, texts.get(c).length());
                    bytes[c] = texts.get(c).getBytes(StandardCharsets.UTF_8).length;
                }
                hits[0] += EvaluationGoldenTest.argmax(ll, ones) == gold[q] ? 1 : 0;
                hits[1] += EvaluationGoldenTest.argmax(ll, chars) == gold[q] ? 1 : 0;
                hits[2] += EvaluationGoldenTest.argmax(ll, bytes) == gold[q] ? 1 : 0;
            }
            assertEquals(hits[0] / 3.0, metrics.get("acc").asDouble(), 1e-12);
            assertEquals(hits[1] / 3.0, metrics.get("acc_norm").asDouble(), 1e-12);
            assertEquals(hits[2] / 3.0, metrics.get("acc_bytes").asDouble(), 1e-12);
            assertEquals(Math.sqrt(hits[0] / 3.0 * (1 - hits[0] / 3.0) * 3 / 2) / Math.sqrt(3), metrics.get("acc_stderr").asDouble(), 1e-12);
        }
    }

    @Test
    void badDataGivesErrorsWithLineNumbers() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            String m = golden.dir().toString();
            Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"context\": \"c\", \"choices\": [\"a\", \"b\"], \"gold\": 0}\n\n"
                    + "{\"context\": \"c\", \"choices\": [\"a\", \"b\"], \"gold\": 2}\n");
            assertError("eval: error: " + bad + ":3: gold index 2 is out of range for 2 choices (0..1)",
                    CliRun.run("eval", "-m", m, "--task", "multiple-choice", "--file", bad.toString()));
            Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"text\": \"a b\"}\n{\"text\": \"a b\"\n");
            assertError("eval: error: " + broken + ":2: not valid JSON", CliRun.run("eval", "-m", m, "--task", "lambada", "--file", broken.toString()));
            // with no delimiter, "hello wor" + "ld" tokenizes as [hello, world]: the choice adds no tokens
            Path merged = Files.writeString(dir.resolve("merged.jsonl"), "{\"context\": \"hello wor\", \"choices\": [\"ld\", \"y\"], \"gold\": 0}\n");
            assertError("eval: error: " + merged + ":1: the continuation \"ld\" adds no tokens of its own",
                    CliRun.run("eval", "-m", m, "--task", "multiple-choice", "--target-delimiter", "", "--file", merged.toString()));
            assertError("eval: error: unknown task 'piqa' (expected lambada or multiple-choice)",
                    CliRun.run("eval", "-m", m, "--task", "piqa", "--file", bad.toString()));
            assertError("eval: error: " + dir.resolve("none.jsonl") + ": no such file",
                    CliRun.run("eval", "-m", m, "--task", "lambada", "--file", dir.resolve("none.jsonl").toString()));
        }
    }

    /** The choices of one line of a multiple-choice file. */
    static List<String> choices(String line) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        new ObjectMapper().readTree(line).get("choices").forEach(c -> out.add(c.asText()));
        return out;
    }
}
