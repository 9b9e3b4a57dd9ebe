package org.neox4j.generate;

/** Receives generated tokens as they are produced (e.g. to stream text to a terminal). */
@FunctionalInterface
public interface TokenListener {
    void onToken(GeneratedToken token);
}
