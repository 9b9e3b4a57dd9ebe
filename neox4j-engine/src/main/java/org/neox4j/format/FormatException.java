package org.neox4j.format;

import org.neox4j.Neox4jException;

/** A weight or metadata file that is malformed, truncated, hostile or of an unsupported kind. */
public class FormatException extends Neox4jException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
