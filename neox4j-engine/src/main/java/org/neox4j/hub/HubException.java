package org.neox4j.hub;

import org.neox4j.Neox4jException;

/**
 * A failure talking to the Hugging Face hub or using its cache. The message names the repository,
 * revision or file at fault and what to do about it; {@link #reason()} lets callers tell the kinds apart.
 */
public class HubException extends Neox4jException {
    /** What went wrong, coarsely. */
    public enum Reason {
        /** The repository, revision or file does not exist (or is private and no token can see it). */
        NOT_FOUND,
        /** A gated or private repository refused access: a token is missing, rejected, or not granted access. */
        UNAUTHORIZED,
        /** The hub could not be reached, the connection broke, or data stopped arriving. */
        NETWORK,
        /** The hub answered with a server error (5xx) or asked us to slow down (429). */
        SERVER,
        /** A downloaded file does not match the size or hash the hub published for it. */
        INTEGRITY,
        /** Offline mode is on and what was asked for is not in the cache. */
        OFFLINE,
        /** The hub answered something neox4j does not understand. */
        PROTOCOL,
        /** Reading or writing the local cache failed. */
        CACHE,
    }

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether trying again later may succeed (broken connections, stalls, server errors). */
    public boolean retryable() {
        return reason == Reason.NETWORK || reason == Reason.SERVER;
    }
}
