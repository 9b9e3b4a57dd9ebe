package org.neox4j.score;

/**
 * How {@link Perplexity} slides its window.
 *
 * @param context tokens per window (the HF guide's {@code max_length}); 0: the model's {@code max_position_embeddings}
 * @param stride tokens the window moves each step, 1..context (the guide's {@code stride}); 0: a quarter
 *     of the window (512 for the 2048 tokens of GPT-NeoX-20B and Pythia)
 * @param prependBos put the BOS token before the text so that its first token is scored too (as the
 *     harness's rolling log-likelihood does); off by default, as in the HF guide
 */
public record PerplexityOptions(int context, int stride, boolean prependBos) {
    public PerplexityOptions {
        if (context < 0 || context == 1) {
            throw new IllegalArgumentException("the perplexity window must hold at least 2 tokens (or 0 for the model's context), got " + context);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("the stride must be positive (or 0 for a quarter of the window), got " + stride);
        }
    }

    /** The model's context, a quarter of it as stride, no BOS. */
    public static PerplexityOptions defaults() {
        return new PerplexityOptions(0, 0, false);
    }
}
