package org.neox4j.generate.batch;

import java.util.List;
import org.neox4j.generate.GeneratedToken;
import org.neox4j.generate.TokenLogprobs;

/**
 * Receives one sequence's output. Called on the scheduler's thread, between forward passes: it
 * must return quickly and never block (hand the data to another thread for I/O). Exactly one
 * {@link #onEnd} closes every submitted sequence. A listener that throws cancels its sequence.
 */
public interface SequenceListener {

    /** Log-probabilities of prompt tokens 1..n-1 (when requested), before the first token. */
    default void onPromptLogprobs(List<TokenLogprobs> logprobs) {
    }

    /** A generated token; {@code logprobs} is null unless requested. */
    void onToken(GeneratedToken token, TokenLogprobs logprobs);

    /** The sequence has left the scheduler; its KV cache is released. */
    void onEnd(SequenceEnd end);
}
