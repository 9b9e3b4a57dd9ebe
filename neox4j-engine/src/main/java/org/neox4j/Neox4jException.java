package org.neox4j;

/**
 * Base of the errors neox4j reports to its users: bad input files, unsupported configuration,
 * invalid requests. The message is written for a person and names the file, tensor or
 * parameter at fault.
 */
public class Neox4jException extends RuntimeException {
    public Neox4jException(String message) {
        super(message);
    }

    public Neox4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
