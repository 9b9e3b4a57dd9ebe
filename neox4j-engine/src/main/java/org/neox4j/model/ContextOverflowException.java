package org.neox4j.model;

import org.neox4j.Neox4jException;

/** More tokens than the KV cache (the context) can hold. */
public final class ContextOverflowException extends Neox4jException {
    public ContextOverflowException(int cached, int adding, int capacity) {
        super(cached == 0
                ? "the prompt has " + adding + " tokens, more than the context of " + capacity
                        + " tokens (raise --context, up to what memory allows)"
                : "cannot add " + adding + " tokens to a sequence of " + cached + ": the context holds " + capacity + " tokens");
    }
}
