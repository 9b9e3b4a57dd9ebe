package org.neox4j.generate.batch;

import java.util.List;
import org.neox4j.generate.GeneratedToken;
import org.neox4j.generate.SequenceState;
import org.neox4j.generate.TokenLogprobs;
import org.neox4j.model.KvCache;

/** A submitted sequence inside the scheduler: its state, its cache once running, its listener. */
final class Sequence {
    final long id;
    final SequenceRequest request;
    final SequenceState state;
    final SequenceListener listener;
    final int capacity;
    final long kvBytes;
    volatile boolean cancelled;

    /** Set once it joins the running batch (scheduler thread only). */
    KvCache cache;

    // the outcome of the latest step, produced by a sampling task, delivered by the scheduler thread
    GeneratedToken token;
    TokenLogprobs tokenLogprobs;
    List<TokenLogprobs> promptLogprobs;
    String failure;

    Sequence(long id, SequenceRequest request, SequenceState state, SequenceListener listener, int capacity, long kvBytes) {
        this.id = id;
        this.request = request;
        this.state = state;
        this.listener = listener;
        this.capacity = capacity;
        this.kvBytes = kvBytes;
    }

    boolean prefilled() {
        return cache != null && cache.length() > 0;
    }

    /** Whether the next step must return logits for every prompt position. */
    boolean wantsPromptLogits() {
        return request.promptLogprobs() && !prefilled();
    }

    SequenceEnd end(SequenceEnd.Outcome outcome, String error) {
        return new SequenceEnd(outcome, outcome == SequenceEnd.Outcome.FINISHED ? state.finishReason() : null,
                state.promptLength(), state.generatedCount(), state.text(), error);
    }
}
