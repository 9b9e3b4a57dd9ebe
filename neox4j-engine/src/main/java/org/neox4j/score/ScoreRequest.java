package org.neox4j.score;

import java.util.Arrays;
import org.neox4j.Neox4jException;

/**
 * One log-likelihood request of the evaluation harness, as tokens: the log-probability of
 * {@code continuation} given {@code context}. The model reads {@code context + continuation}
 * without its last token; the logits at the continuation's positions score its tokens.
 *
 * @param context at least one token (the harness puts the BOS token here for an empty context;
 *     see {@link HarnessEncoding})
 * @param continuation at least one token
 */
public record ScoreRequest(int[] context, int[] continuation) {
    public ScoreRequest {
        if (context == null || context.length == 0) {
            throw new Neox4jException("the context has no tokens; a continuation needs at least one token before it"
                    + " (the evaluation harness uses the BOS token for an empty context)");
        }
        if (continuation == null || continuation.length == 0) {
            throw new Neox4jException("the continuation has no tokens; there is nothing to score");
        }
        context = context.clone();
        continuation = continuation.clone();
    }

    /** Context and continuation, concatenated. */
    public int[] tokens() {
        int[] all = Arrays.copyOf(context, context.length + continuation.length);
        System.arraycopy(continuation, 0, all, context.length, continuation.length);
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreRequest r && Arrays.equals(context, r.context) && Arrays.equals(continuation, r.continuation);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(context) + Arrays.hashCode(continuation);
    }

    @Override
    public String toString() {
        return "ScoreRequest[context=" + Arrays.toString(context) + ", continuation=" + Arrays.toString(continuation) + "]";
    }
}
