package org.neox4j.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits, in Hugging Face's order: repetition penalty (then OpenAI's
 * presence and frequency penalties, as vLLM applies them), then greedy argmax, or temperature,
 * top-k, top-p, min-p and a draw from what remains. Deterministic for a given seed. One sampler
 * per sequence (it owns the random stream and its scratch).
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    private long[] order = new long[0];

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * The next token. {@code logits} is modified in place.
     *
     * @param seen whether each id already occurs in the prompt or output (for the repetition penalty); may be null
     */
    public int sample(float[] logits, boolean[] seen) {
        applyRepetitionPenalty(logits, seen);
        return pick(logits);
    }

    /**
     * The next token, with every penalty applied from {@code history} (may be null: no penalties).
     * {@code logits} is modified in place.
     */
    public int sampleWithHistory(float[] logits, TokenHistory history) {
        if (history != null) {
            applyRepetitionPenalty(logits, history.seen());
            applyOpenAiPenalties(logits, history.outputCounts());
        }
        return pick(logits);
    }

    private void applyRepetitionPenalty(float[] logits, boolean[] seen) {
        if (params.repetitionPenalty() != 1.0 && seen != null) {
            float p = (float) params.repetitionPenalty();
            for (int i = 0; i < logits.length; i++) {
                if (seen[i]) {
                    logits[i] = logits[i] > 0 ? logits[i] / p : logits[i] * p;
                }
            }
        }
    }

    /** logit -= count · frequency + (count > 0) · presence, as OpenAI documents it. */
    private void applyOpenAiPenalties(float[] logits, int[] counts) {
        double presence = params.presencePenalty();
        double frequency = params.frequencyPenalty();
        if (presence == 0 && frequency == 0) {
            return;
        }
        for (int i = 0; i < logits.length; i++) {
            int c = counts[i];
            if (c > 0) {
                logits[i] = (float) (logits[i] - c * frequency - presence);
            }
        }
    }

    private int pick(float[] logits) {
        if (params.isGreedy()) {
            return argmax(logits);
        }
        int n = sortDescending(logits);
        // candidates are order[0..n) by descending logit; each entry packs (logit, id)
        float inverseT = (float) (1.0 / params.temperature());
        if (params.topK() > 0 && params.topK() < n) {
            float threshold = logitOf(order[params.topK() - 1]);
            int keep = params.topK();
            while (keep < n && logitOf(order[keep]) == threshold) {
                keep++; // ties with the k-th are kept, as torch.topk's threshold comparison does
            }
            n = keep;
        }
        double[] probs = softmax(n, inverseT);
        if (params.topP() < 1.0) {
            double cumulative = 0;
            int keep = n;
            for (int i = 0; i < n; i++) {
                cumulative += probs[i];
                if (cumulative >= params.topP()) {
                    keep = i + 1;
                    break;
                }
            }
            n = Math.max(1, keep);
            probs = softmax(n, inverseT);
        }
        if (params.minP() > 0) {
            double limit = params.minP() * probs[0];
            int keep = 1;
            while (keep < n && probs[keep] >= limit) {
                keep++;
            }
            n = keep;
            probs = softmax(n, inverseT);
        }
        double r = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += probs[i];
            if (r < cumulative) {
                return idOf(order[i]);
            }
        }
        return idOf(order[n - 1]);
    }

    /** Index of the largest value; the first one on ties, like torch.argmax. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private double[] softmax(int n, float inverseT) {
        double max = logitOf(order[0]) * inverseT;
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logitOf(order[i]) * inverseT - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Sorts ids by descending logit (NaN and -inf dropped) into {@link #order}; returns the count. */
    private int sortDescending(float[] logits) {
        if (order.length < logits.length) {
            order = new long[logits.length];
        }
        int n = 0;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (v > Float.NEGATIVE_INFINITY) {
                order[n++] = ((long) descendingKey(v) << 32) | i;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no finite logit to sample from");
        }
        Arrays.sort(order, 0, n);
        return n;
    }

    /** An int that sorts ascending as the float sorts descending. */
    private static int descendingKey(float v) {
        int bits = Float.floatToRawIntBits(v);
        int ascending = bits >= 0 ? bits ^ Integer.MIN_VALUE : ~bits;
        return ~ascending ^ Integer.MIN_VALUE;
    }

    private static float logitOf(long packed) {
        int key = (int) (packed >> 32);
        int ascending = ~(key ^ Integer.MIN_VALUE);
        int bits = ascending < 0 ? ascending ^ Integer.MIN_VALUE : ~ascending;
        return Float.intBitsToFloat(bits);
    }

    private static int idOf(long packed) {
        return (int) packed;
    }
}
