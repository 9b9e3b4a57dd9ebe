package org.neox4j.format.pt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes byte by byte, for tests that need valid, broken or hostile pickles. */
public final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public PickleBytes proto(int protocol) {
        return op(0x80).u8(protocol);
    }

    public PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    public PickleBytes u8(int v) {
        out.write(v);
        return this;
    }

    public PickleBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public PickleBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public PickleBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** BINUNICODE. */
    public PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').u32(b.length).raw(b);
    }

    /** BININT1 / BININT2 / BININT as the value needs. */
    public PickleBytes integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K').u8((int) v);
        }
        if (v >= 0 && v < 65536) {
            return op('M').u8((int) (v & 0xFF)).u8((int) (v >>> 8));
        }
        return op('J').u32(v);
    }

    /** GLOBAL module name. */
    public PickleBytes global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    public PickleBytes mark() {
        return op('(');
    }

    public PickleBytes tuple() {
        return op('t');
    }

    public PickleBytes reduce() {
        return op('R');
    }

    public PickleBytes put(int index) {
        return op('q').u8(index);
    }

    public PickleBytes get(int index) {
        return op('h').u8(index);
    }

    public PickleBytes stop() {
        return op('.');
    }

    /** A tensor as torch.save writes it: _rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict()). */
    public PickleBytes tensor(String storageClass, String key, long numel, long offset, long[] size) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageClass).str(key).str("cpu").integer(numel).tuple().op('Q');
        integer(offset);
        mark();
        for (long d : size) {
            integer(d);
        }
        tuple();
        mark();
        long stride = 1;
        long[] strides = new long[size.length];
        for (int i = size.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= size[i];
        }
        for (long s : strides) {
            integer(s);
        }
        tuple();
        op(0x89);
        global("collections", "OrderedDict").op(')').reduce();
        tuple();
        return reduce();
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
