package org.neox4j.format.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.FormatException;

class PickleTest {
    @TempDir
    Path tmp;

    /** The torch environment with storages of the given size conjured from nothing (no zip). */
    private static PyValue load(byte[] pickle) {
        TorchGlobals env = new TorchGlobals("test.pkl", (type, key, location, numel) ->
                new PyValue.Storage(type, key, location, numel, MemorySegment.ofArray(new byte[(int) (numel * type.elementSize())])));
        return Pickle.load(pickle, env, "test.pkl");
    }

    private static String rejected(byte[] pickle) {
        return assertThrows(FormatException.class, () -> load(pickle)).getMessage();
    }

    @Test
    void readsTheOpcodesOfAStateDict() {
        PickleBytes p = new PickleBytes().proto(2).op('}').put(0).mark()
                .str("int").integer(7)
                .str("big").integer(150000)
                .str("negative").op(0x8a).u8(2).u8(0xFE).u8(0xFF) // LONG1 -2
                .str("float").op('G').raw(new byte[] {0x3F, (byte) 0xD0, 0, 0, 0, 0, 0, 0}) // 0.25
                .str("none").op('N')
                .str("flags").op(0x88).op(0x89).op(0x86) // (True, False)
                .str("list").op(']').integer(1).op('a').mark().integer(2).integer(3).op('e')
                .str("again").get(0)
                .str("bytes").global("_codecs", "encode").str("\u00ff\u0001").str("latin1").op(0x86).reduce()
                .str("short").op(0x8c).u8(2).raw(new byte[] {'h', 'i'})
                .str("set").global("__builtin__", "set").op(']').integer(5).op('a').op(0x85).reduce()
                .op('u').stop();
        PyValue.PyDict d = assertInstanceOf(PyValue.PyDict.class, load(p.bytes()));
        assertEquals(new PyValue.Int(7), d.get("int"));
        assertEquals(new PyValue.Int(150000), d.get("big"));
        assertEquals(new PyValue.Int(-2), d.get("negative"));
        assertEquals(new PyValue.Float(0.25), d.get("float"));
        assertEquals(PyValue.None.NONE, d.get("none"));
        assertEquals(List.of(new PyValue.Bool(true), new PyValue.Bool(false)), ((PyValue.Tuple) d.get("flags")).items());
        assertEquals(List.of(new PyValue.Int(1), new PyValue.Int(2), new PyValue.Int(3)), ((PyValue.PyList) d.get("list")).items());
        assertTrue(d.get("again") == d, "BINGET returns the memoized object itself");
        assertEquals(new PyValue.Bytes(new byte[] {(byte) 0xFF, 1}), d.get("bytes"));
        assertEquals(new PyValue.Str("hi"), d.get("short"));
        assertEquals(List.of(new PyValue.Int(5)), ((PyValue.PyList) d.get("set")).items());
    }

    @Test
    void namespaceIsAnInertObjectWithItsState() {
        PickleBytes p = new PickleBytes().proto(2).global("argparse", "Namespace").op(')').op(0x81)
                .op('}').str("lr").integer(3).op('s').op('b').stop();
        PyValue.Instance ns = assertInstanceOf(PyValue.Instance.class, load(p.bytes()));
        assertEquals("argparse.Namespace", ns.type().qualifiedName());
        assertEquals(new PyValue.Int(3), ((PyValue.PyDict) ns.state()).get("lr"));
    }

    @Test
    void rebuildsTensorReferences() {
        PickleBytes p = new PickleBytes().proto(2).tensor("HalfStorage", "0", 12, 2, new long[] {2, 5}).stop();
        PyValue.TensorRef t = assertInstanceOf(PyValue.TensorRef.class, load(p.bytes()));
        assertEquals(StorageType.HALF, t.storage().type());
        assertEquals(2, t.storageOffset());
        assertEquals(List.of(2L, 5L), List.of(t.size()[0], t.size()[1]));
        assertEquals(List.of(5L, 1L), List.of(t.stride()[0], t.stride()[1]));
    }

    /** A pickle that would run {@code module.name(command)} when loaded by Python's pickle. */
    private static byte[] call(String module, String name, String command) {
        return new PickleBytes().proto(2).global(module, name).str(command).op(0x85).reduce().stop().bytes();
    }

    @Test
    void rejectsOsSystemAndRunsNothing() {
        Path marker = tmp.resolve("pwned");
        String message = rejected(call("os", "system", "touch " + marker));
        assertTrue(message.contains("global 'os.system' is not allowed"), message);
        assertTrue(message.startsWith("test.pkl: "), message);
        assertFalse(Files.exists(marker), "the command must not have run");
        String posix = rejected(call("posix", "system", "touch " + marker));
        assertTrue(posix.contains("global 'posix.system' is not allowed"), posix);
        assertFalse(Files.exists(marker));
    }

    @Test
    void rejectsEvalUnderEitherPythonName() {
        String message = rejected(call("builtins", "eval", "__import__('os').system('true')"));
        assertTrue(message.contains("global 'builtins.eval' is not allowed"), message);
        String py2 = rejected(call("__builtin__", "eval", "1"));
        assertTrue(py2.contains("global 'builtins.eval' is not allowed"), py2);
    }

    @Test
    void rejectsGlobalsReachedThroughStackGlobal() {
        byte[] p = new PickleBytes().proto(4).op(0x8c).u8(2).raw("os".getBytes()).op(0x8c).u8(6).raw("system".getBytes())
                .op(0x93).stop().bytes();
        assertTrue(rejected(p).contains("global 'os.system' is not allowed"));
    }

    @Test
    void rejectsReduceOnAnythingButAnAllowedCallable() {
        String onDtype = rejected(new PickleBytes().proto(2).global("torch", "float16").op(')').reduce().stop().bytes());
        assertTrue(onDtype.contains("REDUCE (a call) on torch.float16, which is not a callable neox4j allows"), onDtype);
        String onString = rejected(new PickleBytes().proto(2).str("os.system").op(')').reduce().stop().bytes());
        assertTrue(onString.contains("REDUCE (a call) on 'os.system'"), onString);
        String newObj = rejected(new PickleBytes().proto(2).global("torch", "HalfStorage").op(')').op(0x81).stop().bytes());
        assertTrue(newObj.contains("NEWOBJ (object creation) of torch.HalfStorage"), newObj);
        String build = rejected(new PickleBytes().proto(2).str("x").op('}').op('b').stop().bytes());
        assertTrue(build.contains("BUILD on 'x' is not allowed"), build);
    }

    @Test
    void rejectsUnknownStorageTypes() {
        byte[] p = new PickleBytes().proto(2).tensor("ComplexFloatStorage", "0", 4, 0, new long[] {4}).stop().bytes();
        String message = rejected(p);
        assertTrue(message.contains("unsupported storage type 'torch.ComplexFloatStorage'"), message);
    }

    @Test
    void rejectsDeepNestingWithoutStackOverflow() {
        PickleBytes tuples = new PickleBytes().proto(2).op(')');
        for (int i = 0; i < 100_000; i++) {
            tuples.op(0x85);
        }
        assertTrue(rejected(tuples.stop().bytes()).contains("too deeply nested"));

        PickleBytes lists = new PickleBytes().proto(2);
        for (int i = 0; i < 100_000; i++) {
            lists.op(']');
        }
        for (int i = 0; i < 99_999; i++) {
            lists.op('a');
        }
        assertTrue(rejected(lists.stop().bytes()).contains("too deeply nested"));

        PickleBytes marks = new PickleBytes().proto(2);
        for (int i = 0; i < 100_000; i++) {
            marks.mark();
        }
        assertTrue(rejected(marks.stop().bytes()).contains("too deeply nested"));
    }

    @Test
    void rejectsHugeMemoIndicesAndLengthsWithoutAllocating() {
        String memo = rejected(new PickleBytes().proto(2).op('j').u32(0xFFFF_FFFFL).stop().bytes());
        assertTrue(memo.contains("memo index 4294967295 was never stored"), memo);
        String unicode = rejected(new PickleBytes().proto(2).op('X').u32(0xFFFF_FFF0L).raw(new byte[10]).stop().bytes());
        assertTrue(unicode.contains("truncated: 4294967280 bytes needed"), unicode);
        String unicode8 = rejected(new PickleBytes().proto(4).op(0x8d).u64(1L << 62).stop().bytes());
        assertTrue(unicode8.contains("truncated: " + (1L << 62) + " bytes needed"), unicode8);
        String bytes8 = rejected(new PickleBytes().proto(4).op(0x8e).u64(-1L).stop().bytes());
        assertTrue(bytes8.contains("truncated: -1 bytes needed"), bytes8);
        String long4 = rejected(new PickleBytes().proto(2).op(0x8b).u32(1L << 31).stop().bytes());
        assertTrue(long4.contains("truncated"), long4);
        String wide = rejected(new PickleBytes().proto(2).op(0x8a).u8(9).raw(new byte[9]).stop().bytes());
        assertTrue(wide.contains("integer of 9 bytes is too large"), wide);
    }

    @Test
    void capsTheNumberOfValues() {
        PickleBytes p = new PickleBytes().proto(2).op(']');
        for (int i = 0; i <= Pickle.MAX_VALUES; i++) {
            p.op(']').op('a');
        }
        assertTrue(rejected(p.stop().bytes()).contains("more than " + Pickle.MAX_VALUES + " values"));
    }

    @Test
    void rejectsMalformedPickles() {
        assertTrue(rejected(new PickleBytes().proto(2).op('}').bytes()).contains("truncated: 1 bytes needed, 0 remain"));
        assertTrue(rejected(new PickleBytes().proto(2).stop().bytes()).contains("STOP with an empty stack"));
        assertTrue(rejected(new PickleBytes().proto(2).op('a').stop().bytes()).contains("stack underflow"));
        assertTrue(rejected(new PickleBytes().proto(9).stop().bytes()).contains("unsupported pickle protocol 9"));
        String text = rejected(new PickleBytes().op('I').raw("1\n".getBytes()).stop().bytes());
        assertTrue(text.contains("pickle opcode 'I' is not supported"), text);
        String key = rejected(new PickleBytes().proto(2).op('}').op(']').integer(1).op('s').stop().bytes());
        assertTrue(key.contains("unhashable dict key []"), key);
        String utf8 = rejected(new PickleBytes().proto(2).op(0x8c).u8(1).u8(0xFF).stop().bytes());
        assertTrue(utf8.contains("not valid UTF-8"), utf8);
    }

    @Test
    void errorsNameTheOpcodeOffset() {
        String message = rejected(new PickleBytes().proto(2).op('h').u8(3).stop().bytes());
        assertEquals("test.pkl: pickle: memo index 3 was never stored (opcode at byte 2)", message);
    }

    @Test
    void printsCyclicValuesWithoutRecursingForever() {
        PyValue v = load(new PickleBytes().proto(2).op(']').put(0).get(0).op('a').get(0).op('a').stop().bytes());
        assertEquals("[[[[...], [...]], [[...], [...]]], [[[...], [...]], [[...], [...]]]]", v.toString());
    }
}
