package org.neox4j.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.GoldenModel;
import org.neox4j.testing.GoldenScores;

/**
 * Scores against the Hugging Face reference: the log-probability of each continuation token must
 * equal the golden {@code log_softmax} (or the log-softmax of the golden logits) at that token
 * within 1e-4, the greedy flags must match the reference argmax, and the top-k alternatives the
 * reference's largest entries.
 */
class ScorerGoldenTest {
    static final double TOL = 1e-4;
    static final int TOP_K = 5;

    /** A request and, per continuation token, the golden case and position whose row scores it. */
    record Probe(ScoreRequest request, String caseName, int firstRow) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void logprobsGreedyAndTopKMatchReference(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            GoldenScores ref = new GoldenScores(golden);
            List<Probe> probes = probes(ref);
            // a small batch budget splits the requests over several forward passes
            Scorer scorer = new Scorer(model.network(), ScoreOptions.defaults().withTopK(TOP_K).withBatchTokens(16));
            List<Score> scores = scorer.score(probes.stream().map(Probe::request).toList(), ProgressListener.NONE);
            double worst = 0;
            int checked = 0;
            for (int i = 0; i < probes.size(); i++) {
                Probe p = probes.get(i);
                Score s = scores.get(i);
                assertEquals(p.request(), s.request());
                assertEquals(0, s.truncatedTokens());
                int[] cont = p.request().continuation();
                double expectedSum = 0;
                for (int j = 0; j < cont.length; j++) {
                    int position = p.firstRow() + j;
                    double[] row = ref.row(p.caseName(), position);
                    TokenScore t = s.tokens().get(j);
                    String what = modelName + " " + p.caseName() + " position " + position + " token " + cont[j];
                    assertEquals(cont[j], t.token(), what);
                    worst = Math.max(worst, Math.abs(row[cont[j]] - t.logprob()));
                    assertEquals(row[cont[j]], t.logprob(), TOL, what + " logprob");
                    expectedSum += row[cont[j]];
                    if (ref.margin(p.caseName(), position) > TOL) {
                        assertEquals(ref.argmax(p.caseName(), position) == cont[j], t.greedy(), what + " greedy");
                    }
                    checkTopK(row, t.top(), what);
                    checked++;
                }
                assertEquals(expectedSum, s.logprob(), TOL * cont.length, modelName + " sum");
            }
            assertTrue(checked >= 5, "enough tokens checked: " + checked);
            System.out.printf("golden %-45s max |Δ| %.2e (tolerance %.0e)%n", modelName + " score logprobs (" + checked + " tokens)", worst, TOL);
        }
    }

    /**
     * Requests whose every continuation token is scored by a row the golden set holds in full: the
     * actual next tokens of each case (all at once, from a split in the middle, and one at a time),
     * and arbitrary tokens after the whole case.
     */
    static List<Probe> probes(GoldenScores ref) {
        List<Probe> probes = new ArrayList<>();
        for (String c : List.of("len1", "len7", "len33")) {
            int[] ids = ref.inputIds(c);
            int n = ids.length;
            boolean allRows = IntStream.range(0, n).allMatch(p -> ref.hasRow(c, p));
            if (allRows && n > 1) {
                probes.add(new Probe(new ScoreRequest(Arrays.copyOf(ids, 1), Arrays.copyOfRange(ids, 1, n)), c, 0));
                probes.add(new Probe(new ScoreRequest(Arrays.copyOf(ids, n / 2), Arrays.copyOfRange(ids, n / 2, n)), c, n / 2 - 1));
            }
            for (int p = 0; p < n - 1; p++) {
                if (ref.hasRow(c, p)) {
                    probes.add(new Probe(new ScoreRequest(Arrays.copyOf(ids, p + 1), new int[] {ids[p + 1]}), c, p));
                }
            }
            for (int token : new int[] {ref.argmax(c, n - 1), 0, ref.vocab() - 1}) {
                probes.add(new Probe(new ScoreRequest(ids, new int[] {token}), c, n - 1));
            }
        }
        return probes;
    }

    static void checkTopK(double[] row, List<TokenScore.Alternative> top, String what) {
        int[] order = largest(row, TOP_K + 1);
        assertEquals(TOP_K, top.size(), what + " top-k size");
        for (int r = 0; r < TOP_K; r++) {
            assertEquals(row[order[r]], top.get(r).logprob(), TOL, what + " top-" + (r + 1) + " logprob");
            boolean separated = (r == 0 || row[order[r - 1]] - row[order[r]] > 2 * TOL) && row[order[r]] - row[order[r + 1]] > 2 * TOL;
            if (separated) {
                assertEquals(order[r], top.get(r).token(), what + " top-" + (r + 1) + " token");
            }
        }
    }

    /** Indices of the k largest values, largest first, by repeated selection. */
    static int[] largest(double[] row, int k) {
        int[] out = new int[k];
        boolean[] taken = new boolean[row.length];
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int i = 0; i < row.length; i++) {
                if (!taken[i] && (best < 0 || row[i] > row[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            out[r] = best;
        }
        return out;
    }

    /**
     * Every position of {@code len33}, also where the golden set keeps only sampled vocabulary
     * columns: the log-probability of a sampled token is {@code logits_cols - logsumexp} there.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-pythia"})
    void everyPositionMatchesLogitsColsMinusLogsumexp(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            GoldenScores ref = new GoldenScores(golden);
            int[] ids = ref.inputIds("len33");
            int[] cols = GoldenModel.ints(golden.cases().get("logits_cols_ids"));
            float[] logitsCols = golden.tensor("len33.logits_cols");
            float[] logsumexp = golden.tensor("len33.logsumexp");
            List<ScoreRequest> requests = new ArrayList<>();
            List<Double> expected = new ArrayList<>();
            for (int p = 0; p < ids.length; p++) {
                for (int j : new int[] {p, 500 + p, cols.length - 1 - p}) {
                    requests.add(new ScoreRequest(Arrays.copyOf(ids, p + 1), new int[] {cols[j]}));
                    expected.add((double) logitsCols[p * cols.length + j] - logsumexp[p]);
                }
            }
            List<Score> scores = new Scorer(model.network(), ScoreOptions.defaults()).score(requests, ProgressListener.NONE);
            double worst = 0;
            for (int i = 0; i < requests.size(); i++) {
                assertEquals(expected.get(i), scores.get(i).logprob(), TOL, modelName + " request " + i);
                worst = Math.max(worst, Math.abs(expected.get(i) - scores.get(i).logprob()));
            }
            System.out.printf("golden %-45s max |Δ| %.2e (tolerance %.0e)%n", modelName + " len33 logits_cols - logsumexp", worst, TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void greedyContinuationIsRecognised(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            var gen = golden.cases().get("generation").get(0);
            int[] prompt = GoldenModel.ints(gen.get("prompt_ids"));
            int[] greedy = GoldenModel.ints(gen.get("new_tokens"));
            Scorer scorer = new Scorer(model.network(), ScoreOptions.defaults());
            Score s = scorer.score(new ScoreRequest(prompt, greedy));
            assertTrue(s.greedy(), "the reference's greedy tokens are greedy");
            assertTrue(s.tokens().stream().allMatch(TokenScore::greedy));
            int[] changed = greedy.clone();
            changed[10] = greedy[10] == 1 ? 2 : 1;
            Score other = scorer.score(new ScoreRequest(prompt, changed));
            assertFalse(other.greedy(), "one non-greedy token makes the continuation non-greedy");
            assertFalse(other.tokens().get(10).greedy());
            assertTrue(other.tokens().get(9).greedy());
            assertTrue(other.logprob() < s.logprob());
        }
    }

    @Test
    void batchingDoesNotChangeScores() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            List<ScoreRequest> requests = probes(new GoldenScores(golden)).stream().map(Probe::request).toList();
            List<Score> alone = new Scorer(model.network(), ScoreOptions.defaults().withBatchTokens(1)).score(requests, ProgressListener.NONE);
            List<Score> together = new Scorer(model.network(), ScoreOptions.defaults().withBatchTokens(10_000)).score(requests, ProgressListener.NONE);
            // Batches of up to 4 tokens run the matrix-vector kernel and larger ones the packed GEMM,
            // which sum in different orders: float32 rounding (~1e-6 here) may differ, a batching
            // mistake (wrong offsets, mixed sequences) moves scores by order 1.
            for (int i = 0; i < requests.size(); i++) {
                assertEquals(alone.get(i).logprob(), together.get(i).logprob(), 1e-5, "request " + i);
                assertEquals(alone.get(i).greedy(), together.get(i).greedy(), "request " + i);
            }
        }
    }

    @Test
    void longRequestsLoseContextFromTheLeftLikeTheHarness() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            int[] ids = new GoldenScores(golden).inputIds("len7");
            Scorer short4 = new Scorer(model.network(), ScoreOptions.defaults().withMaxLength(4));
            // (context + continuation)[-(4 + 1):][:-1] = ids[2..6]: two context tokens dropped
            Score truncated = short4.score(new ScoreRequest(Arrays.copyOf(ids, 3), Arrays.copyOfRange(ids, 3, 7)));
            assertEquals(2, truncated.truncatedTokens());
            Score same = new Scorer(model.network(), ScoreOptions.defaults())
                    .score(new ScoreRequest(Arrays.copyOfRange(ids, 2, 3), Arrays.copyOfRange(ids, 3, 7)));
            assertEquals(same.logprob(), truncated.logprob(), 1e-6);
            Neox4jException tooLong = assertThrows(Neox4jException.class,
                    () -> short4.score(new ScoreRequest(new int[] {1}, Arrays.copyOf(ids, 5))));
            assertTrue(tooLong.getMessage().contains("the continuation has 5 tokens, more than the model reads at once (4 tokens)"), tooLong.getMessage());
        }
    }

    @Test
    void badRequestsAreRejected() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            Scorer scorer = new Scorer(model.network(), ScoreOptions.defaults());
            Neox4jException outside = assertThrows(Neox4jException.class, () -> scorer.score(new ScoreRequest(new int[] {1}, new int[] {512})));
            assertEquals("token id 512 is outside the model's vocabulary [0, 512)", outside.getMessage());
            assertThrows(Neox4jException.class, () -> new ScoreRequest(new int[] {1}, new int[0]));
            assertThrows(Neox4jException.class, () -> new ScoreRequest(new int[0], new int[] {1}));
        }
    }
}
