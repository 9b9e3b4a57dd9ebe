package org.neox4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.loader.ModelLoader;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GgufFixtures;
import org.neox4j.testing.GoldenModel;

/**
 * Mapped Q4_0 weights regrouped once into a cache file: the same logits as regrouping in RAM,
 * the file reused while it matches the model and written again when it does not.
 */
class RepackCacheTest {
    @TempDir
    Path tmp;

    private Path model() throws IOException {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            Path copy = tmp.resolve("tiny-q4_0.gguf");
            Files.copy(GgufFixtures.gguf(golden.dir(), DType.Q4_0), copy);
            return copy;
        }
    }

    private static int[] ids() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            return GoldenModel.ints(golden.testCase("len7").get("input_ids"));
        }
    }

    private static float[] logits(NeoxModel model) {
        return model.network().forward(List.of(new GptNeoX.Chunk(model.network().newCache(16), ids())),
                ForwardOptions.ALL_LOGITS).logits();
    }

    /**
     * The same kernel over the same bytes, up to the last bit of float rounding: the Vector API's
     * interpreted and compiled forms may round a lane reduction differently (see MemoryModesTest).
     */
    private static void assertSame(float[] expected, float[] actual, String what) {
        Approx.assertClose(expected, actual, 1e-5, what);
    }

    private static LoadOptions cached(Path dir) {
        return LoadOptions.defaults().withThreads(2).withRepackCache(dir);
    }

    private List<Path> cacheFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void mappedRowGroupsComputeWhatRegroupingInRamComputes() throws IOException {
        Path file = model();
        Path dir = tmp.resolve("cache");
        float[] resident;
        try (NeoxModel model = ModelLoader.load(file, LoadOptions.defaults().withThreads(2).withMemory(MemoryMode.RESIDENT))) {
            assertEquals(Tensor.Layout.ROW_GROUPS, model.weights().layers().getFirst().mlpUp().layout());
            resident = logits(model);
        }
        try (NeoxModel model = ModelLoader.load(file, LoadOptions.defaults().withThreads(1))) {
            assertTrue(model.memoryReport().endsWith("; Q4_0 matrices in GGML's layout (--repack-cache or --memory resident"
                    + " regroup them for a faster decode kernel)"), "plain mapping points to the faster kernel: " + model.memoryReport());
        }
        try (NeoxModel model = ModelLoader.load(file, cached(dir))) {
            assertTrue(model.memoryReport().startsWith("mmap: "), model.memoryReport());
            assertTrue(model.memoryReport().contains("(written at this load)"), model.memoryReport());
            for (LayerWeights layer : model.weights().layers()) {
                for (Tensor matrix : List.of(layer.qkv(), layer.attnOut(), layer.mlpUp(), layer.mlpDown())) {
                    assertEquals(Tensor.Layout.ROW_GROUPS, matrix.layout(), matrix.name());
                }
            }
            assertSame(resident, logits(model), "the same kernel over the same bytes");
        }
        List<Path> files = cacheFiles(dir);
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.getFirst().getFileName().toString().matches("tiny-q4_0\\.gguf-[0-9a-f]{8}-[0-9a-f]{16}\\.groups"), files.toString());
        FileTime written = Files.getLastModifiedTime(files.getFirst());
        try (NeoxModel model = ModelLoader.load(file, cached(dir))) {
            assertFalse(model.memoryReport().contains("written"), "reused: " + model.memoryReport());
            assertSame(resident, logits(model), "reused");
        }
        assertEquals(written, Files.getLastModifiedTime(files.getFirst()), "not written again");
    }

    @Test
    void aDamagedCacheFileIsWrittenAgain() throws IOException {
        Path file = model();
        Path dir = tmp.resolve("cache");
        float[] expected;
        try (NeoxModel model = ModelLoader.load(file, cached(dir))) {
            expected = logits(model);
        }
        Path cache = cacheFiles(dir).getFirst();
        long size = Files.size(cache);
        for (String damage : List.of("truncated", "bad magic", "header cut short")) {
            try (RandomAccessFile raf = new RandomAccessFile(cache.toFile(), "rw")) {
                switch (damage) {
                    case "truncated" -> raf.setLength(size / 2);
                    case "bad magic" -> raf.write("NOTACACH".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    default -> raf.setLength(60);
                }
            }
            try (NeoxModel model = ModelLoader.load(file, cached(dir))) {
                assertTrue(model.memoryReport().contains("(written at this load)"), damage + ": " + model.memoryReport());
                assertSame(expected, logits(model), damage);
            }
            assertEquals(size, Files.size(cache), damage);
        }
    }

    @Test
    void aChangedModelFileGetsANewCacheFileInPlaceOfTheOldOne() throws IOException {
        Path file = model();
        Path dir = tmp.resolve("cache");
        try (NeoxModel model = ModelLoader.load(file, cached(dir))) {
            assertTrue(model.memoryReport().contains("(written at this load)"));
        }
        List<Path> before = cacheFiles(dir);
        Path sameName = tmp.resolve("elsewhere").resolve(file.getFileName());
        Files.createDirectories(sameName.getParent());
        Files.copy(file, sameName);
        try (NeoxModel model = ModelLoader.load(sameName, cached(dir))) {
            assertTrue(model.memoryReport().contains("(written at this load)"), "another path is another model");
        }
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() - 60_000));
        try (NeoxModel model = ModelLoader.load(file, cached(dir))) {
            assertTrue(model.memoryReport().contains("(written at this load)"), "a changed model is regrouped again");
        }
        List<Path> after = cacheFiles(dir);
        assertEquals(2, after.size(), "one file per model path: " + after);
        assertFalse(after.contains(before.getFirst()), "the changed model's older cache file is removed: " + after);
    }

    @Test
    void aModelWithoutQ4_0MatricesWritesNothing() throws IOException {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            Path dir = tmp.resolve("cache");
            try (NeoxModel model = ModelLoader.load(GgufFixtures.gguf(golden.dir(), DType.F16), cached(dir))) {
                assertTrue(model.memoryReport().endsWith("; no Q4_0 matrix to regroup"), model.memoryReport());
            }
            assertFalse(Files.exists(dir));
        }
    }

    @Test
    void onlyForMappedWeightsAsStored() {
        Path dir = tmp.resolve("cache");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.defaults().withMemory(MemoryMode.RESIDENT).withRepack(true).withRepackCache(dir));
        assertTrue(e.getMessage().contains("--memory mmap"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withRepackCache(dir).withWeightsDtype(DType.Q4_0));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withRepackCache(dir).withRepack(false));
        assertEquals(null, LoadOptions.defaults().withRepackCache(dir).withMemory(MemoryMode.RESIDENT).repackCache(),
                "choosing another memory mode drops the cache");
    }
}
