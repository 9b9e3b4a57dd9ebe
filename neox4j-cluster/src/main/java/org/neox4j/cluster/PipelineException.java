package org.neox4j.cluster;

import org.neox4j.Neox4jException;

/** A pipeline could not run a request: a worker unreachable, failing, refusing, or silent for too long. */
public final class PipelineException extends Neox4jException {
    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
