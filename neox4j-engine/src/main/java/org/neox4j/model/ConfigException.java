package org.neox4j.model;

import org.neox4j.Neox4jException;

/** A model configuration that is invalid or uses a setting neox4j does not support. */
public class ConfigException extends Neox4jException {
    public ConfigException(String message) {
        super(message);
    }
}
