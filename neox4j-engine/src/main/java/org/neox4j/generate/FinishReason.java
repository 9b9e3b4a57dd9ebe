package org.neox4j.generate;

/** Why generation ended (the names OpenAI-style APIs use). */
public enum FinishReason {
    /** The model produced an end-of-text token, or the text reached a stop string. */
    STOP,
    /** The token limit or the context was reached. */
    LENGTH;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
