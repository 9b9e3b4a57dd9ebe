package org.neox4j.format.pt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neox4j.format.FormatException;

/**
 * A restricted pickle reader: a stack machine for the opcodes of protocols 2 to 5 that
 * {@code torch.save} and DeepSpeed write. It executes nothing. Every global the pickle names,
 * every call (REDUCE, NEWOBJ) and every persistent id goes to an {@link Environment} chosen by
 * the caller, which allows a short list and rejects the rest with an error naming the global.
 *
 * <p>Hostile input is bounded: lengths are checked against the bytes that remain before anything
 * is allocated, the number of values, memo entries, stack items, open marks and the nesting depth
 * are capped, and nothing recurses over the data, so a malicious pickle ends in a
 * {@link FormatException}, never in an OutOfMemoryError or StackOverflowError.
 */
public final class Pickle {
    /** Largest pickle accepted; state-dict pickles are kilobytes. */
    public static final int MAX_BYTES = 64 << 20;
    static final int MAX_VALUES = 2_000_000;
    static final int MAX_STACK = 1_000_000;
    static final int MAX_MEMO = 1_000_000;
    static final int MAX_MARKS = 1_000;
    static final int MAX_DEPTH = 200;

    /** What a pickle may reach beyond plain data. Implementations decide; the file never does. */
    public interface Environment {
        /** The value of {@code GLOBAL module name}; throws when that global is not allowed. */
        PyValue global(String module, String name);

        /** REDUCE: {@code callable(*args)}; throws unless {@code callable} is an allowed callable. */
        PyValue reduce(PyValue callable, PyValue.Tuple args);

        /** NEWOBJ: {@code cls.__new__(cls, *args)}; throws unless {@code cls} is an allowed class. */
        PyValue newObject(PyValue cls, PyValue.Tuple args);

        /** BINPERSID: the object a persistent id stands for (a tensor storage). */
        PyValue persistentLoad(PyValue pid);
    }

    private final PickleInput in;
    private final Environment env;
    private final String source;
    private final List<PyValue> stack = new ArrayList<>();
    private final int[] marks = new int[MAX_MARKS];
    private int markCount;
    private final Map<Long, PyValue> memo = new HashMap<>();
    private int opStart;
    private int values;

    private Pickle(byte[] data, Environment env, String source) {
        this.in = new PickleInput(data, this::error);
        this.env = env;
        this.source = source;
    }

    /** Reads one pickled object; {@code source} names the file in error messages. */
    public static PyValue load(byte[] data, Environment env, String source) {
        if (data.length > MAX_BYTES) {
            throw new FormatException(source + ": pickle of " + data.length + " bytes is larger than the " + MAX_BYTES + " accepted");
        }
        return new Pickle(data, env, source).run();
    }

    private PyValue run() {
        while (true) {
            opStart = in.position();
            int op = in.u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = in.u8();
                    if (protocol < 2 || protocol > 5) {
                        throw error("unsupported pickle protocol " + protocol + " (2 to 5 are read)");
                    }
                }
                case 0x95 -> in.need(in.i64()); // FRAME: a length hint only
                case '.' -> { // STOP
                    if (stack.isEmpty()) {
                        throw error("STOP with an empty stack");
                    }
                    return stack.removeLast();
                }
                case '(' -> { // MARK
                    if (markCount == MAX_MARKS) {
                        throw error("more than " + MAX_MARKS + " nested MARKs: structure too deeply nested");
                    }
                    marks[markCount++] = stack.size();
                }
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(PyValue.None.NONE);
                case 0x88 -> push(new PyValue.Bool(true)); // NEWTRUE
                case 0x89 -> push(new PyValue.Bool(false)); // NEWFALSE
                case 'J' -> push(created(new PyValue.Int(in.i32()))); // BININT
                case 'K' -> push(created(new PyValue.Int(in.u8()))); // BININT1
                case 'M' -> push(created(new PyValue.Int(in.u8() | in.u8() << 8))); // BININT2
                case 0x8a -> push(created(longValue(in.u8()))); // LONG1
                case 0x8b -> push(created(longValue(in.length(in.u32())))); // LONG4
                case 'G' -> push(created(new PyValue.Float(ByteBuffer.wrap(in.bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble()))); // BINFLOAT
                case 'X' -> push(created(new PyValue.Str(in.utf8(in.length(in.u32()))))); // BINUNICODE
                case 0x8c -> push(created(new PyValue.Str(in.utf8(in.u8())))); // SHORT_BINUNICODE
                case 0x8d -> push(created(new PyValue.Str(in.utf8(in.length(in.i64()))))); // BINUNICODE8
                case 'B' -> push(created(new PyValue.Bytes(in.bytes(in.length(in.u32()))))); // BINBYTES
                case 'C' -> push(created(new PyValue.Bytes(in.bytes(in.u8())))); // SHORT_BINBYTES
                case 0x8e, 0x96 -> push(created(new PyValue.Bytes(in.bytes(in.length(in.i64()))))); // BINBYTES8, BYTEARRAY8
                case '}' -> push(created(new PyValue.PyDict())); // EMPTY_DICT
                case ']', 0x8f -> push(created(new PyValue.PyList())); // EMPTY_LIST, EMPTY_SET
                case ')' -> push(tuple(List.of())); // EMPTY_TUPLE
                case 't' -> push(tuple(popMark())); // TUPLE
                case 0x85 -> push(tuple(popN(1))); // TUPLE1
                case 0x86 -> push(tuple(popN(2))); // TUPLE2
                case 0x87 -> push(tuple(popN(3))); // TUPLE3
                case 'l', 0x91 -> { // LIST, FROZENSET
                    PyValue.PyList list = created(new PyValue.PyList());
                    popMark().forEach(v -> append(list, v));
                    push(list);
                }
                case 'd' -> { // DICT
                    PyValue.PyDict dict = created(new PyValue.PyDict());
                    setItems(dict, popMark());
                    push(dict);
                }
                case 'a' -> { // APPEND
                    PyValue v = pop();
                    append(list(peek()), v);
                }
                case 'e', 0x90 -> { // APPENDS, ADDITEMS
                    List<PyValue> items = popMark();
                    PyValue.PyList list = list(peek());
                    items.forEach(v -> append(list, v));
                }
                case 's' -> { // SETITEM
                    PyValue v = pop();
                    PyValue k = pop();
                    setItems(dict(peek()), List.of(k, v));
                }
                case 'u' -> { // SETITEMS
                    List<PyValue> items = popMark();
                    setItems(dict(peek()), items);
                }
                case 'q' -> put(in.u8()); // BINPUT
                case 'r' -> put(in.u32()); // LONG_BINPUT
                case 0x94 -> put(memo.size()); // MEMOIZE
                case 'h' -> push(get(in.u8())); // BINGET
                case 'j' -> push(get(in.u32())); // LONG_BINGET
                case 'c' -> push(env.global(in.line(), in.line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    PyValue name = pop();
                    PyValue module = pop();
                    if (!(module instanceof PyValue.Str m) || !(name instanceof PyValue.Str n)) {
                        throw error("STACK_GLOBAL needs two strings, got " + module + " and " + name);
                    }
                    push(env.global(m.value(), n.value()));
                }
                case 'R' -> { // REDUCE
                    PyValue.Tuple args = tupleArg(pop(), "REDUCE");
                    push(created(env.reduce(pop(), args)));
                }
                case 0x81 -> { // NEWOBJ
                    PyValue.Tuple args = tupleArg(pop(), "NEWOBJ");
                    push(created(env.newObject(pop(), args)));
                }
                case 0x92 -> { // NEWOBJ_EX
                    PyValue kwargs = pop();
                    PyValue.Tuple args = tupleArg(pop(), "NEWOBJ_EX");
                    if (!(kwargs instanceof PyValue.PyDict d) || !d.items.isEmpty()) {
                        throw error("NEWOBJ_EX with keyword arguments is not supported");
                    }
                    push(created(env.newObject(pop(), args)));
                }
                case 'b' -> build(pop(), peek()); // BUILD
                case 'Q' -> push(created(env.persistentLoad(pop()))); // BINPERSID
                default -> throw error("pickle opcode " + opName(op) + " is not supported"
                        + " (neox4j reads the binary opcodes of protocols 2-5 that torch.save writes)");
            }
        }
    }

    // --- containers -------------------------------------------------------------------------

    private PyValue.Tuple tuple(List<PyValue> items) {
        int depth = 0;
        for (PyValue v : items) {
            depth = Math.max(depth, depth(v));
        }
        return created(new PyValue.Tuple(items, checkDepth(depth + 1)));
    }

    private void append(PyValue.PyList list, PyValue v) {
        list.items.add(v);
        list.depth = checkDepth(Math.max(list.depth, depth(v) + 1));
    }

    private void setItems(PyValue.PyDict dict, List<PyValue> kv) {
        if (kv.size() % 2 != 0) {
            throw error("odd number of items (" + kv.size() + ") for a dict");
        }
        for (int i = 0; i < kv.size(); i += 2) {
            PyValue key = kv.get(i);
            if (!hashable(key)) {
                throw error("unhashable dict key " + key);
            }
            PyValue value = kv.get(i + 1);
            dict.items.put(key, value);
            dict.depth = checkDepth(Math.max(dict.depth, Math.max(depth(key), depth(value)) + 1));
        }
    }

    private void build(PyValue state, PyValue target) {
        switch (target) {
            case PyValue.PyDict d -> {
                PyValue attributes = state;
                if (state instanceof PyValue.Tuple t && t.size() == 2) { // (state, slotstate)
                    attributes = t.get(0) instanceof PyValue.None ? t.get(1) : t.get(0);
                }
                if (!(attributes instanceof PyValue.PyDict a)) {
                    throw error("BUILD of a dict needs a dict of attributes, got " + state);
                }
                for (var e : a.items.entrySet()) {
                    if (!(e.getKey() instanceof PyValue.Str name)) {
                        throw error("BUILD attribute name must be a string, got " + e.getKey());
                    }
                    d.attributes.put(name.value(), e.getValue());
                }
                d.depth = checkDepth(Math.max(d.depth, depth(a) + 1));
            }
            case PyValue.Instance i -> {
                i.state = state;
                i.depth = checkDepth(Math.max(i.depth, depth(state) + 1));
            }
            default -> throw error("BUILD on " + target + " is not allowed (only dicts and inert objects take state)");
        }
    }

    private static boolean hashable(PyValue v) {
        return switch (v) {
            case PyValue.Tuple t -> t.items().stream().allMatch(Pickle::hashable);
            case PyValue.PyList _, PyValue.PyDict _, PyValue.Instance _, PyValue.Storage _, PyValue.TensorRef _ -> false;
            default -> true;
        };
    }

    private static int depth(PyValue v) {
        return switch (v) {
            case PyValue.Tuple t -> t.depth();
            case PyValue.PyList l -> l.depth;
            case PyValue.PyDict d -> d.depth;
            case PyValue.Instance i -> i.depth;
            default -> 0;
        };
    }

    private int checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("values nested more than " + MAX_DEPTH + " deep: structure too deeply nested");
        }
        return depth;
    }

    private PyValue.PyList list(PyValue v) {
        if (v instanceof PyValue.PyList l) {
            return l;
        }
        throw error("APPEND needs a list, got " + v);
    }

    private PyValue.PyDict dict(PyValue v) {
        if (v instanceof PyValue.PyDict d) {
            return d;
        }
        throw error("SETITEM needs a dict, got " + v);
    }

    private PyValue.Tuple tupleArg(PyValue v, String op) {
        if (v instanceof PyValue.Tuple t) {
            return t;
        }
        throw error(op + " needs a tuple of arguments, got " + v);
    }

    private PyValue longValue(int n) {
        if (n > 8) {
            throw error("integer of " + n + " bytes is too large (at most 64 bits are read)");
        }
        byte[] b = in.bytes(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xFF);
        }
        if (n > 0 && n < 8 && b[n - 1] < 0) {
            v -= 1L << (8 * n); // two's complement sign
        }
        return new PyValue.Int(v);
    }

    // --- stack and memo ---------------------------------------------------------------------

    private <T extends PyValue> T created(T v) {
        if (++values > MAX_VALUES) {
            throw error("more than " + MAX_VALUES + " values: too large for a state dict");
        }
        return v;
    }

    private void push(PyValue v) {
        if (stack.size() >= MAX_STACK) {
            throw error("more than " + MAX_STACK + " items on the stack");
        }
        stack.add(v);
    }

    private PyValue pop() {
        if (stack.size() <= (markCount == 0 ? 0 : marks[markCount - 1])) {
            throw error("stack underflow");
        }
        return stack.removeLast();
    }

    private PyValue peek() {
        if (stack.size() <= (markCount == 0 ? 0 : marks[markCount - 1])) {
            throw error("stack underflow");
        }
        return stack.getLast();
    }

    private List<PyValue> popN(int n) {
        List<PyValue> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.addFirst(pop());
        }
        return items;
    }

    private List<PyValue> popMark() {
        if (markCount == 0) {
            throw error("no MARK to pop to");
        }
        int mark = marks[--markCount];
        List<PyValue> tail = stack.subList(mark, stack.size());
        List<PyValue> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private void put(long index) {
        if (!memo.containsKey(index) && memo.size() >= MAX_MEMO) {
            throw error("more than " + MAX_MEMO + " memo entries");
        }
        memo.put(index, peek());
    }

    private PyValue get(long index) {
        PyValue v = memo.get(index);
        if (v == null) {
            throw error("memo index " + index + " was never stored");
        }
        return v;
    }

    private FormatException error(String message) {
        return new FormatException(source + ": pickle: " + message + " (opcode at byte " + opStart + ")");
    }

    private static String opName(int op) {
        return op >= 0x20 && op < 0x7F ? "'" + (char) op + "'" : String.format("0x%02x", op);
    }
}
