package org.neox4j.generate.batch;

import org.neox4j.generate.FinishReason;

/**
 * How a sequence left the scheduler.
 *
 * @param outcome finished normally, cancelled, or failed
 * @param finishReason why it finished ({@link Outcome#FINISHED} only; else null)
 * @param promptTokens tokens in its prompt
 * @param generatedTokens tokens it generated
 * @param text the generated text (cut before a stop string); null without a tokenizer
 * @param error what went wrong ({@link Outcome#FAILED} only; else null)
 */
public record SequenceEnd(Outcome outcome, FinishReason finishReason, int promptTokens, int generatedTokens, String text,
                          String error) {

    public enum Outcome {
        /** End of text, a stop string, the token limit or the context. */
        FINISHED,
        /** Cancelled by its handle (client gone, timeout). */
        CANCELLED,
        /** The forward pass or sampling failed, or the scheduler shut down. */
        FAILED
    }
}
