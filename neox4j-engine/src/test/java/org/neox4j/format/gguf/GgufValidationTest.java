package org.neox4j.format.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.FormatException;

/** Every way a GGUF header can be malformed gives a FormatException that says what is wrong, where. */
class GgufValidationTest {
    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        Path p = dir.resolve("m.gguf");
        Files.write(p, bytes);
        return p;
    }

    private String error(GgufBytes b) throws IOException {
        Path p = file(b.bytes());
        FormatException e = assertThrows(FormatException.class, () -> GgufFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String expected) {
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
    }

    /** A valid file: one F32 tensor of 8 values. */
    private static GgufBytes valid() {
        GgufBytes b = new GgufBytes().header(3, 1, 1).kvString("general.architecture", "gptneox")
                .tensor("output_norm.weight", new long[] {8}, 0, 0).align(32);
        return b.zeros(32);
    }

    @Test
    void validFileOpens() throws IOException {
        try (GgufFile f = GgufFile.open(file(valid().bytes()))) {
            assertEquals(8, f.get("gpt_neox.final_layer_norm.weight").elementCount());
            assertEquals("gptneox", f.gguf().string("general.architecture"));
        }
    }

    @Test
    void badMagic() throws IOException {
        byte[] bytes = valid().bytes();
        bytes[3] = 'X';
        Path p = file(bytes);
        assertContains(assertThrows(FormatException.class, () -> GgufFile.open(p)).getMessage(), "not a GGUF file");
        Path empty = file(new byte[0]);
        assertContains(assertThrows(FormatException.class, () -> GgufFile.open(empty)).getMessage(), "not a GGUF file");
    }

    @Test
    void unsupportedVersions() throws IOException {
        assertContains(error(new GgufBytes().header(1, 0, 0)), "GGUF version 1 is not supported (neox4j reads versions 2 and 3)");
        assertContains(error(new GgufBytes().header(4, 0, 0)), "GGUF version 4 is not supported");
    }

    @Test
    void versionTwoIsRead() throws IOException {
        try (GgufFile f = GgufFile.open(file(new GgufBytes().header(2, 0, 1).kvU32("a.b", 7).bytes()))) {
            assertEquals(2, f.header().version());
            assertEquals(7, f.gguf().count("a.b"));
        }
    }

    @Test
    void countsPastTheEndOfTheFile() throws IOException {
        assertContains(error(new GgufBytes().header(3, 1L << 40, 0)), "tensor count is 1099511627776, more than the");
        assertContains(error(new GgufBytes().header(3, 2_000_000, 0).zeros(48_000_000)),
                "2000000 tensors and 0 metadata keys: neox4j reads files of up to 1048576 of each");
        assertContains(error(new GgufBytes().header(3, 0, -1)), "metadata key-value count is 18446744073709551615, more than the");
        assertContains(error(new GgufBytes().header(3, 0, 1).u64(1000).raw("abc".getBytes()).zeros(20)), "metadata key 0 length is 1000");
        assertContains(error(new GgufBytes().header(3, 0, 1).u64(3).raw("abc".getBytes())),
                "metadata key-value count is 1, more than the 11 bytes left in the file can hold");
    }

    @Test
    void stringAndArrayLengthsPastTheEnd() throws IOException {
        GgufBytes longValue = new GgufBytes().header(3, 0, 1).string("k").u32(GgufValueType.STRING.id()).u64(1L << 62);
        assertContains(error(longValue), "metadata 'k' length is 4611686018427387904, more than the");
        GgufBytes longArray = new GgufBytes().header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.UINT32.id()).u64(1_000_000).u32(1);
        assertContains(error(longArray), "metadata 'k' element count is 1000000, more than the");
        GgufBytes huge = new GgufBytes().header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.UINT8.id()).u64(5_000_000).zeros(5_000_000);
        assertContains(error(huge), "metadata 'k' has 5000000 elements; neox4j reads metadata arrays of up to 4194304");
        GgufBytes truncated = new GgufBytes().header(3, 0, 1).string("k").u32(GgufValueType.UINT64.id()).u32(1);
        assertContains(error(truncated), "metadata 'k' needs 8 bytes but only 4 remain");
    }

    @Test
    void unknownValueTypes() throws IOException {
        assertContains(error(new GgufBytes().header(3, 0, 1).string("k").u32(13).u32(0)), "metadata 'k' has unknown value type 13");
        assertContains(error(new GgufBytes().header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id()).u32(77).u64(0)),
                "metadata 'k' has unknown element type 77");
        assertContains(error(new GgufBytes().header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.ARRAY.id()).u64(0)), "is an array of arrays");
        assertContains(error(new GgufBytes().header(3, 0, 1).string("k").u32(GgufValueType.BOOL.id()).u8(2)), "bool stored as 2");
    }

    @Test
    void badKeysAndDuplicates() throws IOException {
        assertContains(error(new GgufBytes().header(3, 0, 1).u64(2).raw(new byte[] {(byte) 0xC3, 0x28}).u32(4).u32(0)),
                "metadata key 0 is not valid UTF-8");
        assertContains(error(new GgufBytes().header(3, 0, 2).kvU32("a", 1).kvU32("a", 2)), "metadata key 'a' appears twice");
        assertContains(error(new GgufBytes().header(3, 2, 0).tensor("t", new long[] {8}, 0, 0).tensor("t", new long[] {8}, 0, 32)
                .align(32).zeros(64)), "tensor 't' appears twice");
    }

    @Test
    void unknownAndUnsupportedTensorTypes() throws IOException {
        assertContains(error(new GgufBytes().header(3, 1, 0).tensor("t", new long[] {8}, 99, 0).align(32).zeros(32)),
                "tensor 't' has unknown GGML type 99");
        Path q6k = file(new GgufBytes().header(3, 1, 0).tensor("output.weight", new long[] {256, 1}, GgmlType.Q6_K.id(), 0)
                .align(32).zeros(224).bytes());
        try (GgufFile f = GgufFile.open(q6k)) {
            FormatException e = assertThrows(FormatException.class, () -> f.get("embed_out.weight"));
            assertContains(e.getMessage(), "tensor 'output.weight' is Q6_K, which neox4j cannot compute with");
        }
    }

    @Test
    void alignment() throws IOException {
        assertContains(error(new GgufBytes().header(3, 1, 0).tensor("t", new long[] {8}, 0, 4).align(32).zeros(64)),
                "tensor 't' offset 4 is not a multiple of the alignment 32");
        assertContains(error(new GgufBytes().header(3, 0, 1).kvU32("general.alignment", 3)), "general.alignment 3 is not a power of two");
        assertContains(error(new GgufBytes().header(3, 0, 1).kvString("general.alignment", "x")), "general.alignment must be a uint32");
        GgufBytes sixteen = new GgufBytes().header(3, 1, 1).kvU32("general.alignment", 16).tensor("t", new long[] {4}, 0, 0).align(16).zeros(16);
        try (GgufFile f = GgufFile.open(file(sixteen.bytes()))) {
            assertEquals(16, f.header().alignment());
        }
    }

    @Test
    void shapeAndSizeMismatches() throws IOException {
        assertContains(error(new GgufBytes().header(3, 1, 0).tensor("t", new long[] {64}, 0, 0).align(32).zeros(32)),
                "tensor 't' (F32 [64], 256 bytes at data offset 0) runs past the end of the 32-byte data section");
        assertContains(error(new GgufBytes().header(3, 1, 0).tensor("t", new long[] {33, 2}, GgmlType.Q8_0.id(), 0).align(32).zeros(128)),
                "tensor 't' has rows of 33 elements, not a whole number of Q8_0 blocks of 32");
        assertContains(error(new GgufBytes().header(3, 1, 0).tensor("t", new long[] {1, 1, 1, 1, 1}, 0, 0)), "has 5 dimensions (expected 1..4)");
        assertContains(error(new GgufBytes().header(3, 1, 0).tensor("t", new long[] {8, 0}, 0, 0)), "dimension 1 is 0");
        assertContains(error(new GgufBytes().header(3, 1, 0).tensor("t", new long[] {1L << 40, 1L << 40}, 0, 0)), "too many elements");
        assertContains(error(new GgufBytes().header(3, 2, 0).tensor("a", new long[] {16}, 0, 0).tensor("b", new long[] {8}, 0, 32)
                .align(32).zeros(64)), "tensors 'a' and 'b' overlap");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] bytes = valid().bytes();
        Path p = file(java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertContains(assertThrows(FormatException.class, () -> GgufFile.open(p)).getMessage(), "runs past the end of the 31-byte data section");
    }
}
