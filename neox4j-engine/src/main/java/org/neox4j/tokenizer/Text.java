package org.neox4j.tokenizer;

/** Small text utilities for the tokenizer. */
final class Text {
    private Text() {
    }

    /**
     * The text with each unpaired UTF-16 surrogate replaced by U+FFFD. A Java string may hold
     * one, a Rust string (the reference library's input) cannot; U+FFFD is what converting such a
     * string to UTF-8 for the library's bindings produces.
     */
    static String withoutLoneSurrogates(String text) {
        int i = 0;
        while (i < text.length() && isPaired(text, i)) {
            i += Character.isHighSurrogate(text.charAt(i)) ? 2 : 1;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, i);
        while (i < text.length()) {
            if (isPaired(text, i)) {
                int count = Character.isHighSurrogate(text.charAt(i)) ? 2 : 1;
                out.append(text, i, i + count);
                i += count;
            } else {
                out.append(Utf8Lossy.REPLACEMENT);
                i++;
            }
        }
        return out.toString();
    }

    /** Whether the character at {@code i} is not a surrogate, or the high half of a pair. */
    private static boolean isPaired(String text, int i) {
        char c = text.charAt(i);
        if (!Character.isSurrogate(c)) {
            return true;
        }
        return Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
}
