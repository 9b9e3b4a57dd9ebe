package org.neox4j.score;

/**
 * Sliding-window perplexity of one text.
 *
 * @param tokens tokens of the text (a prepended BOS not counted)
 * @param scoredTokens tokens whose log-probability was summed
 * @param negLogLikelihood −Σ log p over the scored tokens, in nats
 * @param bytes UTF-8 bytes of the text (0 when unknown)
 * @param windows forward passes run
 * @param context tokens per window used
 * @param stride tokens between window starts used
 * @param nanos wall time of the forward passes and scoring
 */
public record PerplexityResult(int tokens, int scoredTokens, double negLogLikelihood, long bytes, int windows,
                               int context, int stride, long nanos) {

    /** exp(mean negative log-likelihood per scored token). */
    public double perplexity() {
        return Math.exp(negLogLikelihood / scoredTokens);
    }

    /** Mean negative log-likelihood per scored token, in nats (the cross-entropy loss). */
    public double meanNegLogLikelihood() {
        return negLogLikelihood / scoredTokens;
    }

    /** Bits per UTF-8 byte of the text: −Σ log₂ p / bytes; NaN when the byte count is unknown. */
    public double bitsPerByte() {
        return bytes == 0 ? Double.NaN : negLogLikelihood / Math.log(2) / bytes;
    }

    /** Scored tokens per second of wall time. */
    public double tokensPerSecond() {
        return nanos == 0 ? 0 : scoredTokens * 1e9 / nanos;
    }
}
