package org.neox4j.tokenizer;

/**
 * GPT-2's byte-to-unicode table: every byte gets a printable character so that byte strings can
 * be vocabulary keys. Printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) stand for
 * themselves; the other 68 bytes map, in byte order, to U+0100 and up (space becomes {@code Ġ},
 * newline {@code Ċ}).
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Inverse table, indexed by character; -1 where the character stands for no byte. */
    private static final short[] CHAR_TO_BYTE;

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : next++);
        }
        CHAR_TO_BYTE = new short[next];
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = (short) b;
        }
    }

    private ByteLevel() {
    }

    /** The character that stands for byte {@code b} (0..255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b];
    }

    /** The byte that character {@code c} stands for, or -1 when it is not in the table. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /**
     * The bytes a token string decodes to, as the ByteLevel decoder does it: the byte of each
     * character, or, when any character is outside the table (for example the added tokens made
     * of plain spaces), the token's own UTF-8 bytes.
     */
    static byte[] decodeToken(String token) {
        byte[] bytes = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                return token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }

    /** The byte-level string of some UTF-8 bytes (how a vocabulary spells them). */
    static String encodeBytes(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = charOf(bytes[i] & 0xFF);
        }
        return new String(chars);
    }
}
