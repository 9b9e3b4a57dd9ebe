package org.neox4j.generate.batch;

import org.neox4j.generate.SamplingParams;

/**
 * One sequence to generate.
 *
 * @param prompt token ids (at least one)
 * @param params sampling and stopping
 * @param topLogprobs -1 for no log-probabilities; otherwise report each generated token's
 *     log-probability with this many most likely alternatives (0 = the token alone)
 * @param promptLogprobs also report the log-probabilities of the prompt tokens (from the second on;
 *     needs {@code topLogprobs >= 0})
 */
public record SequenceRequest(int[] prompt, SamplingParams params, int topLogprobs, boolean promptLogprobs) {

    /** The most alternatives reported per position. */
    public static final int MAX_TOP_LOGPROBS = 20;

    public SequenceRequest {
        prompt = prompt.clone();
        if (params == null) {
            throw new IllegalArgumentException("sampling parameters must be given");
        }
        if (topLogprobs < -1 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top log-probabilities must be in -1.." + MAX_TOP_LOGPROBS + ", got " + topLogprobs);
        }
        if (promptLogprobs && topLogprobs < 0) {
            throw new IllegalArgumentException("prompt log-probabilities need topLogprobs >= 0");
        }
    }

    /** Plain generation: no log-probabilities. */
    public static SequenceRequest of(int[] prompt, SamplingParams params) {
        return new SequenceRequest(prompt, params, -1, false);
    }
}
