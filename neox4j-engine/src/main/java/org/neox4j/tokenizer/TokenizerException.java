package org.neox4j.tokenizer;

import org.neox4j.Neox4jException;

/**
 * A tokenizer file that cannot be read, is malformed, or asks for a component or option that
 * neox4j does not implement. The message names the file and the part at fault.
 */
public class TokenizerException extends Neox4jException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
