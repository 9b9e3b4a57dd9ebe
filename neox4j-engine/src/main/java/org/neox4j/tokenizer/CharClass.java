package org.neox4j.tokenizer;

/**
 * The character classes of the GPT-2 split pattern, with the reference library's Unicode
 * semantics: {@code \p{L}} is every letter category (Lu, Ll, Lt, Lm, Lo), {@code \p{N}} every
 * number category (Nd, Nl, No, so {@code ½} and {@code ²} are numbers), {@code \s} exactly the 25
 * code points with the Unicode White_Space property (U+200B and U+FEFF are not among them).
 * Java 25's {@link Character} tables are Unicode 16.0, the version the library's regex engine uses.
 */
final class CharClass {
    static final byte OTHER = 0;
    static final byte LETTER = 1;
    static final byte NUMBER = 2;
    static final byte SPACE = 3;

    /** Classes of the Basic Multilingual Plane, looked up on the hot path. */
    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int c = 0; c < BMP.length; c++) {
            BMP[c] = compute(c);
        }
    }

    private CharClass() {
    }

    /** The class of a BMP character (a lone surrogate half is OTHER). */
    static byte of(char c) {
        return BMP[c];
    }

    /** The class of any code point. */
    static byte ofCodePoint(int codePoint) {
        return codePoint < BMP.length ? BMP[codePoint] : compute(codePoint);
    }

    private static byte compute(int codePoint) {
        if (isWhiteSpace(codePoint)) {
            return SPACE;
        }
        return switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> OTHER;
        };
    }

    /** Unicode White_Space (PropList.txt); unchanged since Unicode 6.3. */
    static boolean isWhiteSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F
                || c == 0x205F || c == 0x3000;
    }
}
