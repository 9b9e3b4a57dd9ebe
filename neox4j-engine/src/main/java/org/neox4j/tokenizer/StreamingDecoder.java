package org.neox4j.tokenizer;

import java.util.Arrays;

/**
 * Decodes ids one at a time as a model generates them, emitting text as soon as it is made of
 * complete characters: bytes of a character split across tokens wait for the rest. Joining all
 * chunks, {@link #finish()} included, gives exactly {@link Tokenizer#decode} of all the ids,
 * also for invalid UTF-8 and for special tokens skipped between the bytes of one character.
 *
 * <p>Not thread-safe: one decoder per sequence. After {@link #finish()} it can start anew.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private byte[] pending = new byte[16];
    private int pendingLength;

    StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /**
     * Adds one id and returns the text it completes, possibly {@code ""} (an id without a token,
     * a skipped special token, or bytes of an unfinished character).
     *
     * @throws IllegalArgumentException for a negative id
     */
    public String push(int id) {
        byte[] bytes = tokenizer.decodedBytes(id, skipSpecialTokens);
        if (bytes == null || bytes.length == 0) {
            return "";
        }
        if (pendingLength + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
        StringBuilder out = new StringBuilder(pendingLength);
        int done = Utf8Lossy.decodeComplete(pending, 0, pendingLength, out);
        System.arraycopy(pending, done, pending, 0, pendingLength - done);
        pendingLength -= done;
        return out.toString();
    }

    /**
     * Returns the text still held back (a character left unfinished becomes one U+FFFD, as in
     * {@link Tokenizer#decode}) and resets the decoder.
     */
    public String finish() {
        String rest = pendingLength == 0 ? "" : Utf8Lossy.decode(pending, 0, pendingLength);
        pendingLength = 0;
        return rest;
    }
}
