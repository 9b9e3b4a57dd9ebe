package org.neox4j.tokenizer;

/**
 * UTF-8 decoding that replaces every maximal invalid subpart with one U+FFFD, as Rust's
 * {@code String::from_utf8_lossy} and the WHATWG decoder do ("maximal subpart" practice of the
 * Unicode standard, section 3.9). Java's own decoder differs for UTF-8-encoded surrogates
 * ({@code ED A0 80} is three U+FFFD here, one in Java), so decoded text would not match the
 * reference library without this class.
 */
final class Utf8Lossy {
    static final char REPLACEMENT = '\uFFFD';

    private Utf8Lossy() {
    }

    /** Decodes all of {@code bytes[from, to)}; a truncated character at the end is one U+FFFD. */
    static String decode(byte[] bytes, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int done = decodeComplete(bytes, from, to, out);
        if (done < to) {
            out.append(REPLACEMENT); // the tail is a prefix of a valid sequence that never completed
        }
        return out.toString();
    }

    /**
     * Decodes {@code bytes[from, to)} up to a trailing incomplete character, which more bytes
     * could still complete, and returns where that tail starts ({@code to} when there is none).
     * Everything before it is final: later bytes cannot change how it decodes, which is what lets
     * a streaming decoder emit it early.
     */
    static int decodeComplete(byte[] bytes, int from, int to, StringBuilder out) {
        int i = from;
        while (i < to) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                out.append((char) lead);
                i++;
                continue;
            }
            int need = continuationCount(lead);
            if (need < 0) {
                out.append(REPLACEMENT); // a byte that never starts a character
                i++;
                continue;
            }
            int codePoint = lead & (0x3F >> need);
            int j = i + 1;
            int have = 0;
            while (have < need && j < to && isValidContinuation(lead, have, bytes[j] & 0xFF)) {
                codePoint = (codePoint << 6) | (bytes[j] & 0x3F);
                have++;
                j++;
            }
            if (have == need) {
                out.appendCodePoint(codePoint);
            } else if (j == to) {
                return i; // valid so far, cut off by the end of the input
            } else {
                out.append(REPLACEMENT); // one replacement for the whole maximal subpart
            }
            i = j;
        }
        return to;
    }

    /** Continuation bytes a lead byte announces, or -1 for bytes that cannot lead (80..C1, F5..FF). */
    private static int continuationCount(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 1;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 2;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 3;
        }
        return -1;
    }

    /**
     * Whether {@code b} may follow as continuation number {@code index} (0-based) after
     * {@code lead}. The second byte has narrower ranges after E0, ED, F0 and F4, which exclude
     * overlong forms, surrogates and code points above U+10FFFF (Unicode table 3-7).
     */
    private static boolean isValidContinuation(int lead, int index, int b) {
        if (index == 0) {
            return switch (lead) {
                case 0xE0 -> b >= 0xA0 && b <= 0xBF;
                case 0xED -> b >= 0x80 && b <= 0x9F;
                case 0xF0 -> b >= 0x90 && b <= 0xBF;
                case 0xF4 -> b >= 0x80 && b <= 0x8F;
                default -> b >= 0x80 && b <= 0xBF;
            };
        }
        return b >= 0x80 && b <= 0xBF;
    }
}
