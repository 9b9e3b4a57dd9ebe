package org.neox4j.generate;

/**
 * The outcome of one generation.
 *
 * @param tokenIds the generated ids (prompt excluded; an end-of-text id that stopped it included)
 * @param text the generated text, cut before a stop string; null without a tokenizer
 * @param promptTokens tokens in the prompt
 * @param prefillNanos time to process the prompt (time to first token)
 * @param decodeNanos time spent on the tokens after the first
 */
public record GenerationResult(int[] tokenIds, String text, FinishReason finishReason, int promptTokens,
                               long prefillNanos, long decodeNanos) {

    /** Decode speed in tokens per second, over the tokens after the first. */
    public double decodeTokensPerSecond() {
        int decoded = tokenIds.length - 1;
        return decoded <= 0 || decodeNanos == 0 ? 0 : decoded * 1e9 / decodeNanos;
    }

    /** Prompt processing speed in tokens per second. */
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : promptTokens * 1e9 / prefillNanos;
    }
}
