package org.neox4j.tokenizer;

/**
 * The ByteLevel pre-tokenizer's split: a hand-written scanner that finds the same pieces as the
 * GPT-2 pattern
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 * applied left to right with Unicode classes (see {@link CharClass}). The alternatives together
 * match every character, so the pieces cover the text with no gaps. A scanner avoids the regex
 * engine's cost per character, which dominates encoding otherwise.
 */
final class PreTokenizer {
    private PreTokenizer() {
    }

    /**
     * Where the piece that starts at {@code start} ends, in {@code text[start, end)}; the next
     * piece starts there. Precondition: {@code start < end}, no lone surrogates.
     */
    static int pieceEnd(String text, int start, int end) {
        char first = text.charAt(start);
        if (first == '\'') {
            int contraction = contractionEnd(text, start, end);
            if (contraction > 0) {
                return contraction;
            }
        }
        if (first == ' ' && start + 1 < end) {
            // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an ASCII space may lead a run of
            // letters, numbers or other symbols. Before whitespace it leads nothing.
            byte next = classAt(text, start + 1, end);
            if (next != CharClass.SPACE) {
                return runEnd(text, start + 1, end, next);
            }
        }
        byte kind = classAt(text, start, end);
        if (kind != CharClass.SPACE) {
            return runEnd(text, start, end, kind);
        }
        int runEnd = runEnd(text, start, end, CharClass.SPACE);
        // "\s+(?!\S)": the run may not be followed by a non-space, so before one it gives back its
        // last character (which then leads the next piece); "\s+" takes a single one anyway.
        if (runEnd == end || runEnd - start == 1) {
            return runEnd;
        }
        return runEnd - 1; // all White_Space characters are single UTF-16 units
    }

    /** "'s|'t|'re|'ve|'m|'ll|'d" (case-sensitive, ASCII apostrophe only); 0 when none matches. */
    private static int contractionEnd(String text, int start, int end) {
        if (start + 1 >= end) {
            return 0;
        }
        char c1 = text.charAt(start + 1);
        if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
            return start + 2;
        }
        if (start + 2 < end) {
            char c2 = text.charAt(start + 2);
            if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                return start + 3;
            }
        }
        return 0;
    }

    /** End of the run of code points of class {@code kind} starting at {@code from}. */
    private static int runEnd(String text, int from, int end, byte kind) {
        int i = from;
        while (i < end) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < end) {
                int codePoint = Character.toCodePoint(c, text.charAt(i + 1));
                if (CharClass.ofCodePoint(codePoint) != kind) {
                    break;
                }
                i += 2;
            } else {
                if (CharClass.of(c) != kind) {
                    break;
                }
                i++;
            }
        }
        return i;
    }

    private static byte classAt(String text, int i, int end) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < end) {
            return CharClass.ofCodePoint(Character.toCodePoint(c, text.charAt(i + 1)));
        }
        return CharClass.of(c);
    }
}
