package org.neox4j.score.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neox4j.ProgressListener;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.LoadOptions;
import org.neox4j.score.HarnessEncoding;
import org.neox4j.score.Score;
import org.neox4j.score.ScoreOptions;
import org.neox4j.score.Scorer;
import org.neox4j.testing.GoldenModel;
import org.neox4j.testing.GoldenScores;

/**
 * The fixture data sets (test resources {@code score/}) evaluated on {@code tiny-parallel}, against
 * expectations computed here from the golden logits with the harness's formulas.
 */
public class EvaluationGoldenTest {
    static final double TOL = 1e-4;

    /** How a request must tokenize: the first {@code contextLength} tokens of {@code len7}, then {@code continuation}. */
    public record Expected(int contextLength, int[] continuation) {
    }

    /** The LAMBADA fixture, line by line. */
    public static final List<Expected> LAMBADA = List.of(
            new Expected(6, new int[] {32145}),        // " serialized"
            new Expected(3, new int[] {16633}),        // " focuses": the greedy token after " depositaughing状"
            new Expected(1, new int[] {11323}),        // " adds": the greedy token after " deposit"
            new Expected(5, new int[] {17832, 6679}),  // " elite" + "ogene" (only the second is greedy)
            new Expected(4, new int[] {34992}));       // " Dubai"

    /** The multiple-choice fixture: per question, the continuation of each choice. */
    public static final List<List<Expected>> MULTIPLE_CHOICE = List.of(
            List.of(new Expected(4, new int[] {34992, 17832, 32145}), new Expected(4, new int[] {11323}), new Expected(4, new int[] {3974})),
            List.of(new Expected(6, new int[] {32145}), new Expected(6, new int[] {30438}), new Expected(6, new int[] {1905}),
                    new Expected(6, new int[] {24142})),
            List.of(new Expected(3, new int[] {17275}), new Expected(3, new int[] {247})));

    public static Path fixture(String name) {
        try {
            return Path.of(EvaluationGoldenTest.class.getResource("/score/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Σ golden log_softmax over the continuation, each token scored by the row before it. */
    public static double expectedLogprob(GoldenScores ref, Expected e) {
        double sum = 0;
        for (int j = 0; j < e.continuation().length; j++) {
            sum += ref.logprob("len7", e.contextLength() - 1 + j, e.continuation()[j]);
        }
        return sum;
    }

    public static boolean expectedGreedy(GoldenScores ref, Expected e) {
        for (int j = 0; j < e.continuation().length; j++) {
            if (ref.argmax("len7", e.contextLength() - 1 + j) != e.continuation()[j]) {
                return false;
            }
        }
        return true;
    }

    /** numpy.argmax of log-likelihoods divided by the lengths (1 = unnormalised), first on ties. */
    public static int argmax(double[] ll, double[] lengths) {
        int best = 0;
        for (int i = 1; i < ll.length; i++) {
            if (ll[i] / lengths[i] > ll[best] / lengths[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void lambadaMatchesTheGoldenLogits() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
             LanguageModel lm = LanguageModel.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            GoldenScores ref = new GoldenScores(golden);
            int[] len7 = ref.inputIds("len7");
            List<LambadaDoc> docs = EvalData.readLambada(fixture("lambada-tiny-parallel.jsonl"), 0);
            LambadaResult result = evaluation(lm).lambada(docs, ProgressListener.NONE);

            double llSum = 0;
            int correct = 0;
            for (int i = 0; i < LAMBADA.size(); i++) {
                Expected e = LAMBADA.get(i);
                Score s = result.items().get(i).score();
                assertArrayEquals(Arrays.copyOf(len7, e.contextLength()), s.request().context(), "doc " + i + " context");
                assertArrayEquals(e.continuation(), s.request().continuation(), "doc " + i + " target");
                assertEquals(expectedLogprob(ref, e), s.logprob(), TOL, "doc " + i + " log-likelihood");
                assertEquals(expectedGreedy(ref, e), result.items().get(i).correct(), "doc " + i + " greedy");
                llSum += expectedLogprob(ref, e);
                correct += expectedGreedy(ref, e) ? 1 : 0;
            }
            assertEquals(2, correct, "the fixture has two greedy targets");
            assertEquals(correct / 5.0, result.accuracy(), 1e-12);
            double p = correct / 5.0;
            assertEquals(Math.sqrt(p * (1 - p) * 5 / 4) / Math.sqrt(5), result.accuracyStderr(), 1e-12, "sample stddev / sqrt(n)");
            double perplexity = Math.exp(-llSum / 5);
            assertEquals(perplexity, result.perplexity(), TOL * perplexity);
        }
    }

    @Test
    void multipleChoiceMatchesTheGoldenLogits() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
             LanguageModel lm = LanguageModel.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            GoldenScores ref = new GoldenScores(golden);
            List<MultipleChoiceDoc> docs = EvalData.readMultipleChoice(fixture("multiple-choice-tiny-parallel.jsonl"), 0);
            MultipleChoiceResult result = evaluation(lm).multipleChoice(docs, " ", ProgressListener.NONE);

            int[] hits = new int[3];
            List<String> patterns = new ArrayList<>();
            for (int q = 0; q < MULTIPLE_CHOICE.size(); q++) {
                List<Expected> choices = MULTIPLE_CHOICE.get(q);
                MultipleChoiceResult.Item item = result.items().get(q);
                double[] ll = new double[choices.size()];
                double[] ones = new double[choices.size()];
                double[] chars = new double[choices.size()];
                double[] bytes = new double[choices.size()];
                for (int c = 0; c < choices.size(); c++) {
                    assertArrayEquals(Arrays.copyOf(ref.inputIds("len7"), choices.get(c).contextLength()),
                            item.scores().get(c).request().context(), "question " + q + " context");
                    assertArrayEquals(choices.get(c).continuation(), item.scores().get(c).request().continuation(), "question " + q + " choice " + c);
                    ll[c] = expectedLogprob(ref, choices.get(c));
                    assertEquals(ll[c], item.scores().get(c).logprob(), TOL, "question " + q + " choice " + c);
                    String choice = docs.get(q).choices().get(c);
                    ones[c] = 1;
                    chars[c] = choice.codePointCount(0, choice.length());
                    bytes[c] = choice.getBytes(StandardCharsets.UTF_8).length;
                }
                int gold = docs.get(q).gold();
                assertEquals(argmax(ll, ones), item.prediction(), "question " + q + " acc");
                assertEquals(argmax(ll, chars), item.predictionNorm(), "question " + q + " acc_norm");
                assertEquals(argmax(ll, bytes), item.predictionBytes(), "question " + q + " acc_bytes");
                hits[0] += argmax(ll, ones) == gold ? 1 : 0;
                hits[1] += argmax(ll, chars) == gold ? 1 : 0;
                hits[2] += argmax(ll, bytes) == gold ? 1 : 0;
                patterns.add((argmax(ll, ones) == gold ? 1 : 0) + " " + (argmax(ll, chars) == gold ? 1 : 0) + " " + (argmax(ll, bytes) == gold ? 1 : 0));
            }
            assertEquals(hits[0] / 3.0, result.accuracy(), 1e-12);
            assertEquals(hits[1] / 3.0, result.accuracyNorm(), 1e-12);
            assertEquals(hits[2] / 3.0, result.accuracyBytes(), 1e-12);
            // the fixture is built so that the three metrics disagree (per question: acc, acc_norm, acc_bytes)
            assertEquals(List.of("0 1 1", "1 0 0", "0 0 1"), patterns);
        }
    }

    static Evaluation evaluation(LanguageModel lm) {
        return new Evaluation(new Scorer(lm.model().network(), ScoreOptions.defaults()), HarnessEncoding.of(lm));
    }
}
