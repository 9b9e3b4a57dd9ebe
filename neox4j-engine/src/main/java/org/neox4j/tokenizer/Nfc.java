package org.neox4j.tokenizer;

import java.text.Normalizer;
import java.util.Arrays;

/**
 * Unicode NFC as the reference library computes it. Its normalization tables predate Unicode 13,
 * so it lacks the 21 canonical compositions added since (Dives Akuru in 13.0; Todhri,
 * Tulu-Tigalari, Gurung Khema and Kirat Rai in 16.0) that Java 25's {@link Normalizer} applies.
 * To the library, the letters and signs of those compositions are unassigned code points:
 * starters that neither compose nor decompose. So the text is cut at each of them, the pieces in
 * between are normalized by Java (which agrees with the library everywhere else), and those code
 * points are kept as they are.
 */
final class Nfc {
    /**
     * The composites of the compositions the library lacks, and the letters and signs that form
     * them, sorted. (The one older character involved, U+0307 COMBINING DOT ABOVE, is known to the
     * library and normalizes as usual.) Found by decomposing every code point of those five blocks
     * with Java 25; {@code NfcTest} checks the list against {@link Normalizer}.
     */
    static final int[] UNKNOWN_TO_LIBRARY = {
        0x105C9, 0x105D2, 0x105DA, 0x105E4, // Todhri
        0x11382, 0x11383, 0x11384, 0x11385, 0x1138B, 0x1138E, 0x11390, 0x11391, // Tulu-Tigalari
        0x113B8, 0x113BB, 0x113C2, 0x113C5, 0x113C7, 0x113C8, 0x113C9,
        0x11930, 0x11935, 0x11938, // Dives Akuru
        0x1611E, 0x1611F, 0x16120, 0x16121, 0x16122, 0x16123, 0x16124, 0x16125, 0x16126, 0x16127, // Gurung Khema
        0x16128, 0x16129,
        0x16D63, 0x16D67, 0x16D68, 0x16D69, 0x16D6A, // Kirat Rai
    };

    private Nfc() {
    }

    static String normalize(String text) {
        if (isBelowCombiningMarks(text) || Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
            return text;
        }
        if (!containsUnknownToLibrary(text)) {
            return Normalizer.normalize(text, Normalizer.Form.NFC);
        }
        StringBuilder out = new StringBuilder(text.length());
        int pieceStart = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            if (isUnknownToLibrary(codePoint)) {
                out.append(Normalizer.normalize(text.substring(pieceStart, i), Normalizer.Form.NFC));
                out.appendCodePoint(codePoint);
                pieceStart = next;
            }
            i = next;
        }
        out.append(Normalizer.normalize(text.substring(pieceStart), Normalizer.Form.NFC));
        return out.toString();
    }

    /**
     * Text made only of characters below U+0300 is in NFC: none of them decomposes in NFC, and
     * without combining marks nothing composes. Checking this first keeps most text off the
     * slower general check.
     */
    private static boolean isBelowCombiningMarks(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x300) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsUnknownToLibrary(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isHighSurrogate(text.charAt(i)) && isUnknownToLibrary(text.codePointAt(i))) {
                return true;
            }
        }
        return false;
    }

    static boolean isUnknownToLibrary(int codePoint) {
        return Arrays.binarySearch(UNKNOWN_TO_LIBRARY, codePoint) >= 0;
    }
}
