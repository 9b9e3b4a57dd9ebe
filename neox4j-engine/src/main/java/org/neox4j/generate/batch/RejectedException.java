package org.neox4j.generate.batch;

import org.neox4j.Neox4jException;

/** A request the scheduler cannot take: the queue is full, it can never fit, or the scheduler is closed. */
public final class RejectedException extends Neox4jException {

    public enum Reason {
        QUEUE_FULL,
        TOO_LARGE,
        CLOSED
    }

    private final Reason reason;

    public RejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
