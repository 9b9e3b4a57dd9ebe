package org.neox4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.5f, -1.0f, 2.9f, 0.5f, 2.5f, -4f};

    private static SamplingParams params(double t, int k, double p, double minP) {
        return new SamplingParams(10, t, k, p, minP, 1.0, 42, List.of(), false);
    }

    /** Expected distribution computed directly from the definitions (independent of the sampler's code). */
    private static double[] expected(float[] logits, double t, int k, double p, double minP) {
        int n = logits.length;
        double[] scaled = new double[n];
        for (int i = 0; i < n; i++) {
            scaled[i] = logits[i] / t;
        }
        boolean[] keep = new boolean[n];
        java.util.Arrays.fill(keep, true);
        if (k > 0) {
            double[] sorted = scaled.clone();
            java.util.Arrays.sort(sorted);
            double kth = sorted[n - k];
            for (int i = 0; i < n; i++) {
                keep[i] = scaled[i] >= kth;
            }
        }
        double[] probs = normalise(scaled, keep);
        if (p < 1) {
            // keep a token when the mass of strictly more likely kept tokens is below p
            boolean[] next = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (!keep[i]) {
                    continue;
                }
                double before = 0;
                for (int j = 0; j < n; j++) {
                    if (keep[j] && (probs[j] > probs[i] || (probs[j] == probs[i] && j < i))) {
                        before += probs[j];
                    }
                }
                next[i] = before < p;
            }
            keep = next;
            probs = normalise(scaled, keep);
        }
        if (minP > 0) {
            double top = 0;
            for (double q : probs) {
                top = Math.max(top, q);
            }
            for (int i = 0; i < n; i++) {
                keep[i] &= probs[i] >= minP * top;
            }
            probs = normalise(scaled, keep);
        }
        return probs;
    }

    private static double[] normalise(double[] scaled, boolean[] keep) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scaled.length; i++) {
            if (keep[i]) {
                max = Math.max(max, scaled[i]);
            }
        }
        double[] out = new double[scaled.length];
        double sum = 0;
        for (int i = 0; i < scaled.length; i++) {
            out[i] = keep[i] ? Math.exp(scaled[i] - max) : 0;
            sum += out[i];
        }
        for (int i = 0; i < scaled.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    private static void assertSamplesFollow(double t, int k, double p, double minP) {
        double[] want = expected(LOGITS, t, k, p, minP);
        Sampler sampler = new Sampler(params(t, k, p, minP));
        int draws = 40_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(LOGITS.clone(), null)]++;
        }
        for (int i = 0; i < LOGITS.length; i++) {
            double freq = counts[i] / (double) draws;
            // 5 standard deviations of a binomial frequency, plus exact zero where the token is filtered out
            double sd = Math.sqrt(want[i] * (1 - want[i]) / draws);
            if (want[i] == 0) {
                assertEquals(0, counts[i], "token " + i + " must be filtered out (t=" + t + " k=" + k + " p=" + p + " minP=" + minP + ")");
            } else {
                assertTrue(Math.abs(freq - want[i]) <= 5 * sd + 1e-3,
                        "token " + i + ": frequency " + freq + " vs expected " + want[i] + " (t=" + t + " k=" + k + " p=" + p + " minP=" + minP + ")");
            }
        }
    }

    @Test
    void samplingFollowsTheFilteredDistribution() {
        assertSamplesFollow(1.0, 0, 1.0, 0);
        assertSamplesFollow(0.7, 3, 1.0, 0);
        assertSamplesFollow(1.3, 0, 0.8, 0);
        assertSamplesFollow(1.0, 0, 1.0, 0.3);
        assertSamplesFollow(0.8, 5, 0.9, 0.05);
    }

    @Test
    void topKKeepsTiesWithTheKthValue() {
        // ids 2 and 6 tie at 2.5; with k = 3 both stay (torch.topk threshold semantics)
        double[] want = expected(LOGITS, 1.0, 3, 1.0, 0);
        assertTrue(want[2] > 0 && want[6] > 0);
        assertSamplesFollow(1.0, 3, 1.0, 0);
    }

    @Test
    void greedyTakesTheFirstMaximum() {
        Sampler greedy = new Sampler(SamplingParams.greedy(1));
        assertEquals(1, greedy.sample(LOGITS.clone(), null));
        assertEquals(0, greedy.sample(new float[] {2f, 2f, 1f}, null));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        SamplingParams penalised = new SamplingParams(10, 0, 0, 1, 0, 2.0, 1, List.of(), false);
        boolean[] seen = new boolean[LOGITS.length];
        seen[1] = true; // 3.0 → 1.5, so 2.9 (id 4) becomes the maximum
        float[] logits = LOGITS.clone();
        assertEquals(4, new Sampler(penalised).sample(logits, seen));
        assertEquals(1.5f, logits[1]);
        seen[3] = true;
        float[] negative = LOGITS.clone();
        new Sampler(penalised).sample(negative, seen);
        assertEquals(-2f, negative[3]);
    }

    @Test
    void presenceAndFrequencyPenaltiesSubtractByOutputOccurrence() {
        SamplingParams penalised = SamplingParams.greedy(10).withPenalties(0.5, 0.25);
        TokenHistory history = new TokenHistory(LOGITS.length);
        history.addPrompt(2); // prompt tokens are not penalised by these two
        history.addOutput(1);
        history.addOutput(1);
        history.addOutput(4);
        float[] logits = LOGITS.clone();
        new Sampler(penalised).sampleWithHistory(logits, history);
        assertEquals(LOGITS[1] - 2 * 0.25f - 0.5f, logits[1], 1e-6);
        assertEquals(LOGITS[4] - 0.25f - 0.5f, logits[4], 1e-6);
        assertEquals(LOGITS[2], logits[2]);
        assertEquals(LOGITS[0], logits[0]);
        assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(1).withPenalties(2.5, 0));
        assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(1).withPenalties(0, Double.NaN));
    }

    @Test
    void sameSeedSameSequence() {
        Sampler a = new Sampler(params(1.0, 0, 1.0, 0));
        Sampler b = new Sampler(params(1.0, 0, 1.0, 0));
        for (int i = 0; i < 100; i++) {
            assertEquals(a.sample(LOGITS.clone(), null), b.sample(LOGITS.clone(), null));
        }
    }

    @Test
    void absurdParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> params(-0.1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> params(Double.NaN, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> params(1, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> params(1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> params(1, 0, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> params(1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(-1, 0, 0, 1, 0, 1, 0, List.of(), false));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1, 0, 0, 1, 0, 0, 0, List.of(), false));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1, 0, 0, 1, 0, 1, 0, List.of(""), false));
    }
}
