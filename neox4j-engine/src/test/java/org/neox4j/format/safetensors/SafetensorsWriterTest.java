package org.neox4j.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.ProgressListener;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorSpec;
import org.neox4j.tensor.Tensor;
import org.neox4j.testing.Golden;

class SafetensorsWriterTest {
    @TempDir
    Path tmp;

    private static List<TensorSpec> specs(SafetensorsFile f) {
        List<TensorSpec> out = new ArrayList<>();
        for (String name : f.names()) {
            Tensor t = f.get(name);
            out.add(new TensorSpec(name, t.dtype(), t.shape()));
        }
        return out;
    }

    @Test
    void rewritesAHuggingFaceFileByteForByte() throws Exception {
        // The golden file was written by Hugging Face's save_pretrained: same header layout, same bytes.
        Path golden = Golden.model("tiny-sequential").resolve("model.safetensors");
        Path out = tmp.resolve("model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(golden)) {
            SafetensorsWriter.write(out, specs(f), f::get, ProgressListener.NONE);
        }
        assertArrayEquals(Files.readAllBytes(golden), Files.readAllBytes(out));
    }

    @Test
    void headerIsSortedPaddedAndCarriesTheFormat() throws Exception {
        byte[] h = SafetensorsWriter.header(List.of(new TensorSpec("a", org.neox4j.tensor.DType.F16, new long[] {3})),
                java.util.Map.of("format", "pt"));
        long n = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        assertEquals(8 + n, h.length);
        String json = new String(h, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}}", json.strip());
    }

    @Test
    void shardsWithAnIndexAndReadsBack() throws Exception {
        Path golden = Golden.model("tiny-sequential").resolve("model.safetensors");
        AtomicLong progressed = new AtomicLong();
        ProgressListener progress = new ProgressListener() {
            public void start(String task, long total) {
            }

            public void advance(long delta) {
                progressed.addAndGet(delta);
            }

            public void finish() {
            }
        };
        List<Path> written;
        long total;
        try (SafetensorsFile f = SafetensorsFile.open(golden)) {
            List<TensorSpec> specs = specs(f);
            total = specs.stream().mapToLong(TensorSpec::byteSize).sum();
            written = SafetensorsWriter.writeModel(tmp, specs, 400_000, f::get, progress);
        }
        assertEquals(total, progressed.get());
        JsonNode index = new ObjectMapper().readTree(tmp.resolve("model.safetensors.index.json").toFile());
        assertEquals(total, index.get("metadata").get("total_size").asLong());
        int shards = written.size() - 1;
        assertTrue(shards > 2, "several shards: " + written);
        for (int i = 1; i <= shards; i++) {
            Path shard = tmp.resolve(String.format("model-%05d-of-%05d.safetensors", i, shards));
            try (SafetensorsFile f = SafetensorsFile.open(shard)) {
                long bytes = f.names().stream().mapToLong(n -> f.get(n).byteSize()).sum();
                assertTrue(bytes <= 400_000 || f.names().size() == 1, shard + " holds " + bytes + " bytes");
            }
        }
        List<String> sortedNames = new ArrayList<>();
        index.get("weight_map").fieldNames().forEachRemaining(sortedNames::add);
        assertEquals(sortedNames.stream().sorted().toList(), sortedNames);
        try (SafetensorsFile f = SafetensorsFile.open(golden);
                ShardedSafetensors s = ShardedSafetensors.open(tmp.resolve("model.safetensors.index.json"))) {
            assertEquals(f.names().size(), s.names().size());
            for (String name : f.names()) {
                assertArrayEquals(f.get(name).toFloatArray(), s.get(name).toFloatArray(), name);
            }
        }
        try (var files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".partial")), "no partial files left");
        }
    }

    @Test
    void splitsLikeHuggingFace() {
        var d = org.neox4j.tensor.DType.F32;
        List<TensorSpec> specs = List.of(new TensorSpec("a", d, new long[] {10}), new TensorSpec("b", d, new long[] {10}),
                new TensorSpec("big", d, new long[] {100}), new TensorSpec("c", d, new long[] {5}));
        var shards = SafetensorsWriter.shards(specs, 100);
        assertEquals(List.of(List.of("a", "b"), List.of("big"), List.of("c")),
                shards.stream().map(s -> s.stream().map(TensorSpec::name).toList()).toList());
    }

    @Test
    void refusesATensorThatDiffersFromItsAnnouncement() throws Exception {
        Path golden = Golden.model("tiny-sequential").resolve("model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(golden)) {
            String first = f.names().getFirst();
            List<TensorSpec> wrong = List.of(new TensorSpec(first, org.neox4j.tensor.DType.F16, f.get(first).shape()));
            String message = assertThrows(FormatException.class,
                    () -> SafetensorsWriter.write(tmp.resolve("x.safetensors"), wrong, f::get, ProgressListener.NONE)).getMessage();
            assertTrue(message.startsWith("tensor '" + first + "' is F32["), message);
        }
        assertFalse(Files.exists(tmp.resolve("x.safetensors")), "no file appears under the final name");
    }
}
