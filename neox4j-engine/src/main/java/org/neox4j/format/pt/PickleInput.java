package org.neox4j.format.pt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.neox4j.format.FormatException;

/** The bytes of a pickle, read with every length checked against what remains before anything is allocated. */
final class PickleInput {
    private final byte[] data;
    private final Function<String, FormatException> error;
    private int pos;

    PickleInput(byte[] data, Function<String, FormatException> error) {
        this.data = data;
        this.error = error;
    }

    int position() {
        return pos;
    }

    void need(long n) {
        if (n < 0 || n > data.length - pos) {
            throw error.apply("truncated: " + n + " bytes needed, " + (data.length - pos) + " remain");
        }
    }

    int length(long n) {
        need(n);
        return (int) n;
    }

    int u8() {
        need(1);
        return data[pos++] & 0xFF;
    }

    int i32() {
        need(4);
        int v = ByteBuffer.wrap(data, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        pos += 4;
        return v;
    }

    long u32() {
        return i32() & 0xFFFF_FFFFL;
    }

    long i64() {
        need(8);
        long v = ByteBuffer.wrap(data, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        pos += 8;
        return v;
    }

    byte[] bytes(int n) {
        need(n);
        byte[] b = new byte[n];
        System.arraycopy(data, pos, b, 0, n);
        pos += n;
        return b;
    }

    String utf8(int n) {
        need(n);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw error.apply("string is not valid UTF-8");
        }
    }

    /** A GLOBAL operand: printable ASCII up to a newline, at most 256 characters. */
    String line() {
        StringBuilder s = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') {
                return s.toString();
            }
            if (c < 0x20 || c > 0x7E || s.length() == 256) {
                throw error.apply("malformed GLOBAL operand");
            }
            s.append((char) c);
        }
    }

}
