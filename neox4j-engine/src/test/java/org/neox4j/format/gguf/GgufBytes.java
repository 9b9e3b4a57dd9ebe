package org.neox4j.format.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds GGUF bytes field by field, so that a test can put any value, valid or not, in any field
 * and know where it is.
 */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    GgufBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    GgufBytes u8(int v) {
        out.write(v);
        return this;
    }

    GgufBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    GgufBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    GgufBytes f32(float v) {
        return u32(Float.floatToRawIntBits(v));
    }

    GgufBytes string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        return raw(b);
    }

    /** Magic, version and the two counts. */
    GgufBytes header(int version, long tensors, long kvs) {
        raw("GGUF".getBytes(StandardCharsets.US_ASCII));
        u32(version);
        u64(tensors);
        return u64(kvs);
    }

    GgufBytes kvString(String key, String value) {
        string(key);
        u32(GgufValueType.STRING.id());
        return string(value);
    }

    GgufBytes kvU32(String key, long value) {
        string(key);
        u32(GgufValueType.UINT32.id());
        return u32(value);
    }

    /** A tensor info with GGML ne[] (innermost first). */
    GgufBytes tensor(String name, long[] ne, int type, long offset) {
        string(name);
        u32(ne.length);
        for (long d : ne) {
            u64(d);
        }
        u32(type);
        return u64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    GgufBytes align(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    GgufBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
