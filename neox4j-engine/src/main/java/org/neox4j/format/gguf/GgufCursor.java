package org.neox4j.format.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.neox4j.format.FormatException;

/**
 * Reads the little-endian GGUF header from a mapped file, checking every read against the end of
 * the file first, so that a length or count field that lies can never cause a read past the end
 * or an allocation larger than the file.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment file;
    private final String source;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long pos;

    GgufCursor(MemorySegment file, String source) {
        this.file = file;
        this.source = source;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return file.byteSize() - pos;
    }

    /** An error naming the file and the offset being read. */
    FormatException error(String message) {
        return new FormatException(source + ": " + message + " (at byte " + pos + ")");
    }

    private void need(long bytes, String what) {
        if (bytes < 0 || bytes > remaining()) {
            throw error(what + " needs " + (bytes < 0 ? Long.toUnsignedString(bytes) : bytes) + " bytes but only "
                    + remaining() + " remain in the " + file.byteSize() + "-byte file: truncated or corrupt");
        }
    }

    int u8(String what) {
        need(1, what);
        return file.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
    }

    int i16(String what) {
        need(2, what);
        short v = file.get(I16, pos);
        pos += 2;
        return v;
    }

    int i32(String what) {
        need(4, what);
        int v = file.get(I32, pos);
        pos += 4;
        return v;
    }

    long u32(String what) {
        return i32(what) & 0xFFFFFFFFL;
    }

    long i64(String what) {
        need(8, what);
        long v = file.get(I64, pos);
        pos += 8;
        return v;
    }

    /**
     * A count or length stored as uint64, refused when {@code count × minBytesEach} would not fit
     * in the rest of the file (so nothing is allocated from a lying field).
     */
    long count(String what, long minBytesEach) {
        long start = pos;
        long n = i64(what);
        long left = remaining();
        if (n < 0 || (minBytesEach > 0 && n > left / minBytesEach)) {
            pos = start;
            throw error(what + " is " + Long.toUnsignedString(n) + ", more than the " + left
                    + " bytes left in the file can hold: truncated or corrupt");
        }
        return n;
    }

    /** A GGUF string: uint64 byte length, then UTF-8 bytes. */
    String string(String what) {
        long length = count(what + " length", 1);
        if (length > Integer.MAX_VALUE - 16) {
            throw error(what + " length " + length + " is too large");
        }
        byte[] bytes = file.asSlice(pos, length).toArray(ValueLayout.JAVA_BYTE);
        try {
            String s = ascii(bytes) ? new String(bytes, StandardCharsets.ISO_8859_1) : utf8.decode(ByteBuffer.wrap(bytes)).toString();
            pos += length;
            return s;
        } catch (CharacterCodingException e) {
            throw error(what + " is not valid UTF-8");
        }
    }

    private static boolean ascii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    void seek(long position) {
        if (position < 0 || position > file.byteSize()) {
            throw error("offset " + position + " is outside the file");
        }
        pos = position;
    }
}
