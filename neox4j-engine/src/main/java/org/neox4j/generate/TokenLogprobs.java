package org.neox4j.generate;

/**
 * The model's log-probability of one token and of the most likely alternatives at its position,
 * from the raw logits (before penalties and temperature, as OpenAI-style APIs report them).
 *
 * @param id the token
 * @param logprob its natural-log probability
 * @param topIds the most likely ids, most likely first (may be empty)
 * @param topLogprobs their log-probabilities
 */
public record TokenLogprobs(int id, float logprob, int[] topIds, float[] topLogprobs) {

    public TokenLogprobs {
        if (topIds.length != topLogprobs.length) {
            throw new IllegalArgumentException("top ids and log-probabilities differ in length");
        }
    }

    /**
     * Log-softmax of {@code logits[offset .. offset + vocab)} at {@code id}, with the {@code top}
     * most likely ids (ties: the lower id first).
     */
    public static TokenLogprobs of(float[] logits, int offset, int vocab, int id, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        float logZ = (float) (max + Math.log(sum));
        int k = Math.min(top, vocab);
        int[] ids = new int[k];
        float[] values = new float[k];
        int filled = 0;
        // insertion into a small sorted array: k is at most a few dozen
        for (int i = 0; i < vocab; i++) {
            float v = logits[offset + i];
            if (filled == k && (k == 0 || !(v > values[k - 1]))) {
                continue;
            }
            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && v > values[at - 1]) {
                values[at] = values[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            values[at] = v;
            ids[at] = i;
        }
        for (int i = 0; i < k; i++) {
            values[i] -= logZ;
        }
        return new TokenLogprobs(id, logits[offset + id] - logZ, ids, values);
    }
}
