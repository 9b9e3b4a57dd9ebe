package org.neox4j.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.FormatException;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;
import org.neox4j.testing.Golden;

/** The safetensors reader validates a file completely before handing out any tensor. */
class SafetensorsValidationTest {
    @TempDir
    Path dir;

    private Path file(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path p = dir.resolve("model.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static String error(Path p) {
        return assertThrows(FormatException.class, () -> SafetensorsFile.open(p).close()).getMessage();
    }

    @Test
    void readsAValidFileAndItsMetadata() throws IOException {
        Path p = file("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("a", "b"), List.copyOf(f.names()));
            assertEquals(Map.of("format", "pt"), f.metadata());
            Tensor a = f.get("a");
            assertEquals(DType.F16, a.dtype());
            assertEquals(2, a.elementCount());
        }
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path original = Golden.model("tiny-sequential").resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(original);
        Path p = dir.resolve("truncated.safetensors");
        Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        String message = error(p);
        assertTrue(message.contains("past the end of the data section") && message.contains("truncated"), message);
        assertTrue(message.contains(p.toString()), message);
    }

    @Test
    void fileShorterThanTheHeaderLengthIsRejected() throws IOException {
        Path p = dir.resolve("tiny.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertTrue(error(p).contains("shorter than the 8-byte header length"));
    }

    @Test
    void headerLengthPastTheEndIsRejected() throws IOException {
        Path p = dir.resolve("h.safetensors");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertTrue(error(p).contains("runs past the end"), error(p));
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array());
        assertTrue(error(p).contains("out of bounds"), error(p));
    }

    @Test
    void offsetsPastTheEndAreRejected() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", 16);
        assertTrue(error(p).contains("tensor 'a' data_offsets [0, 400] run past the end"), error(p));
    }

    @Test
    void overlappingRangesAreRejected() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24);
        assertTrue(error(p).contains("overlap"), error(p));
    }

    @Test
    void gapsAreRejected() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertTrue(error(p).contains("gap in the data section"), error(p));
    }

    @Test
    void unknownDtypeIsRejected() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        assertTrue(error(p).contains("tensor 'a': unknown dtype 'F7'"), error(p));
    }

    @Test
    void shapeThatDisagreesWithTheByteRangeIsRejected() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", 8);
        assertTrue(error(p).contains("needs 16 bytes but data_offsets [0, 8] hold 8"), error(p));
    }

    @Test
    void malformedJsonIsRejected() throws IOException {
        assertTrue(error(file("{\"a\": [", 0)).contains("not well-formed JSON"));
        assertTrue(error(file("[1,2]", 0)).contains("must be a JSON object"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)).contains("Duplicate field"));
    }

    @Test
    void nonWeightDtypesAreValidatedButNotUsable() throws IOException {
        Path p = file("{\"mask\":{\"dtype\":\"BOOL\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            String message = assertThrows(FormatException.class, () -> f.find("mask")).getMessage();
            assertTrue(message.contains("dtype BOOL, which cannot be used as weights"), message);
        }
    }

    @Test
    void writerOutputReadsBack() {
        Path p = dir.resolve("out.safetensors");
        float[] values = {1.5f, -2f, 3.25f, 0f, 7f, 8f};
        SafetensorsWriter.writeF32(p, Map.of("k", "v"), List.of(
                new SafetensorsWriter.FloatTensor("z", new long[] {2, 3}, values),
                new SafetensorsWriter.FloatTensor("a", new long[] {1}, new float[] {42f})));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("a", "z"), List.copyOf(f.names()));
            assertEquals(Map.of("k", "v"), f.metadata());
            org.junit.jupiter.api.Assertions.assertArrayEquals(values, f.get("z").toFloatArray());
            assertEquals(42f, f.get("a").getFloat(0));
        }
    }
}
