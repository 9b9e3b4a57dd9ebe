package org.neox4j.format.neox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.FormatException;
import org.neox4j.format.pt.PickleBytes;
import org.neox4j.format.pt.PtCheckpoint;
import org.neox4j.format.pt.PtFiles;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.model.HfConfig;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;
import org.neox4j.testing.Golden;

class NeoxCheckpointTest {
    @TempDir
    Path tmp;

    static Path native_() {
        return Golden.model("tiny-parallel").resolve("neox-native");
    }

    /** A writable copy of the native tiny checkpoint (the golden data is read-only). */
    static Path copyOfNative(Path tmp) throws IOException {
        Path root = tmp.resolve("neox");
        try (var files = Files.walk(native_())) {
            for (Path f : files.toList()) {
                Path to = root.resolve(native_().relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return root;
    }

    private String rejected(Path root) {
        return assertThrows(RuntimeException.class, () -> NeoxCheckpoint.open(root).close()).getMessage();
    }

    @Test
    void mergedTensorsEqualTheHuggingFaceCopyBitForBit() {
        Path hf = Golden.model("tiny-parallel").resolve("model.safetensors");
        try (NeoxCheckpoint neox = NeoxCheckpoint.open(native_()); SafetensorsFile expected = SafetensorsFile.open(hf)) {
            assertEquals(expected.names().stream().sorted().toList(), neox.names().stream().sorted().toList());
            assertEquals(28, neox.names().size());
            for (String name : neox.names()) {
                Tensor got = neox.get(name);
                Tensor want = expected.get(name);
                assertEquals(DType.F16, got.dtype(), name); // the native copy is float16 ...
                assertArrayEquals(want.shape(), got.shape(), name);
                float[] g = got.toFloatArray();
                float[] w = want.toFloatArray(); // ... and the HF copy float32 holding float16-exact values
                for (int i = 0; i < w.length; i++) {
                    if (Float.floatToRawIntBits(g[i]) != Float.floatToRawIntBits(w[i])) {
                        throw new AssertionError(name + "[" + i + "]: " + g[i] + " != " + w[i]);
                    }
                }
            }
        }
    }

    @Test
    void configMatchesTheHuggingFaceConfig() {
        try (NeoxCheckpoint neox = NeoxCheckpoint.open(native_())) {
            assertEquals(HfConfig.read(Golden.model("tiny-parallel")), neox.config());
            assertEquals(native_().resolve("20B_tokenizer.json"), neox.tokenizerFile().orElseThrow());
            assertEquals(2, neox.neoxConfig().modelParallelSize());
            assertEquals("gpt_neox.embed_in.weight", neox.names().getFirst());
            assertEquals("embed_out.weight", neox.names().getLast());
            assertEquals("F16 [50432, 64]", neox.specs().getFirst().dtype() + " " + java.util.Arrays.toString(neox.specs().getFirst().shape()));
        }
    }

    @Test
    void detectsTheLayout() throws IOException {
        assertTrue(NeoxCheckpoint.looksLike(native_()));
        assertFalse(NeoxCheckpoint.looksLike(Golden.model("tiny-parallel")));
        assertFalse(NeoxCheckpoint.looksLike(tmp.resolve("absent")));
        Files.createDirectories(tmp.resolve("empty/global_step1"));
        assertFalse(NeoxCheckpoint.looksLike(tmp.resolve("empty")));
    }

    @Test
    void missingRankFileIsNamed() throws IOException {
        Path root = copyOfNative(tmp);
        Files.delete(root.resolve("global_step150000/layer_03-model_01-model_states.pt"));
        String message = rejected(root);
        assertTrue(message.startsWith("missing rank file " + root.resolve("global_step150000/layer_03-model_01-model_states.pt")
                + " (num_layers 2, model_parallel_size 2 in "), message);
    }

    @Test
    void unexpectedFileIsNamed() throws IOException {
        Path root = copyOfNative(tmp);
        Files.copy(root.resolve("global_step150000/layer_05-model_01-model_states.pt"),
                root.resolve("global_step150000/layer_05-model_02-model_states.pt"));
        assertTrue(rejected(root).startsWith("unexpected file " + root.resolve("global_step150000/layer_05-model_02-model_states.pt")));
    }

    /** Rewrites one layer file of the copy with {@code edit} applied to its tensors. */
    private static void rewrite(Path file, java.util.function.Consumer<Map<String, Tensor>> edit) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Arena arena = Arena.ofAuto();
        try (PtCheckpoint pt = PtCheckpoint.open(file)) {
            for (String key : pt.tensorRefs().keySet()) {
                Tensor t = pt.tensor(key);
                MemorySegment copy = arena.allocate(t.byteSize());
                copy.copyFrom(t.data());
                tensors.put(key, new Tensor(key, t.dtype(), t.shape(), copy));
            }
        }
        edit.accept(tensors);
        Files.delete(file);
        PtFiles.writeStateDict(file, tensors);
    }

    @Test
    void mismatchedShardShapesAreNamed() throws IOException {
        Path root = copyOfNative(tmp);
        Path file = root.resolve("global_step150000/layer_02-model_01-model_states.pt");
        rewrite(file, t -> {
            Tensor dense = t.get("attention.dense.weight"); // [64, 32] on each rank
            t.put("attention.dense.weight", new Tensor("attention.dense.weight", dense.dtype(), new long[] {32, 64}, dense.data()));
        });
        assertEquals("mismatched shard shapes of 'attention.dense.weight': layer_02-model_00-model_states.pt has [64, 32],"
                + " layer_02-model_01-model_states.pt has [32, 64]", rejected(root));
    }

    @Test
    void mismatchedShardDtypesAreNamed() throws IOException {
        Path root = copyOfNative(tmp);
        rewrite(root.resolve("global_step150000/layer_05-model_01-model_states.pt"), t -> {
            Tensor w = t.get("norm.weight");
            t.put("norm.weight", new Tensor("norm.weight", DType.BF16, w.shape(), w.data()));
        });
        assertEquals("mismatched shard dtypes of 'norm.weight': layer_05-model_00-model_states.pt has F16,"
                + " layer_05-model_01-model_states.pt has BF16", rejected(root));
    }

    @Test
    void unknownDtypeIsNamed() throws IOException {
        Path root = copyOfNative(tmp);
        Path file = root.resolve("global_step150000/layer_05-model_00-model_states.pt");
        Files.delete(file);
        byte[] pickle = new PickleBytes().proto(2).op('}').mark()
                .str("norm.weight").tensor("LongStorage", "0", 64, 0, new long[] {64})
                .str("norm.bias").tensor("HalfStorage", "1", 64, 0, new long[] {64})
                .op('u').stop().bytes();
        PtFiles.writeCheckpoint(file, pickle, Map.of("0", new byte[512], "1", new byte[128]));
        String message = rejected(root);
        assertTrue(message.endsWith("layer_05-model_00-model_states.pt: tensor 'norm.weight' has dtype int64 (torch.LongStorage),"
                + " which cannot be used as weights (supported: float32, float16, bfloat16)"), message);

        Files.delete(file);
        byte[] complex = new PickleBytes().proto(2).op('}').str("norm.weight")
                .tensor("ComplexDoubleStorage", "0", 64, 0, new long[] {64}).op('s').stop().bytes();
        PtFiles.writeCheckpoint(file, complex, Map.of("0", new byte[1024]));
        assertTrue(rejected(root).endsWith("layer_05-model_00-model_states.pt: unsupported storage type 'torch.ComplexDoubleStorage'"
                + " (supported: torch.HalfStorage, torch.FloatStorage, torch.BFloat16Storage, torch.DoubleStorage, torch.LongStorage,"
                + " torch.IntStorage, torch.ShortStorage, torch.CharStorage, torch.ByteStorage, torch.BoolStorage)"), rejected(root));
    }

    @Test
    void sequentialResidualTakesOneCopyOfRowParallelBiases() {
        NeoxConfig parallel = NeoxConfigTest.tiny(Map.of());
        NeoxConfig sequential = NeoxConfigTest.tiny(Map.of("gpt_j_residual", false));
        assertEquals(TpMerge.SUM, bias(parallel));
        assertEquals(TpMerge.REPLICATED, bias(sequential));
    }

    private static TpMerge bias(NeoxConfig c) {
        return NeoxNames.sources(c, true).stream().filter(s -> s.hfName().equals("gpt_neox.layers.0.attention.dense.bias"))
                .findFirst().orElseThrow().merge();
    }

    @Test
    void wrongTokenizerIsReported() throws IOException {
        Path root = copyOfNative(tmp);
        Files.writeString(root.resolve("20B_tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 0, \"b\": 1}}, \"added_tokens\": []}");
        assertEquals("the embedding has 50432 rows, but the tokenizer " + root.resolve("20B_tokenizer.json") + " has 2 entries,"
                + " which GPT-NeoX pads to 256 (make_vocab_size_divisible_by 128 × model_parallel_size 2): wrong tokenizer or config?",
                rejected(root));
    }

    @Test
    void configThatDisagreesWithTheFilesIsReported() throws IOException {
        Path root = copyOfNative(tmp);
        Path yml = root.resolve("configs/tiny-parallel.yml");
        Files.writeString(yml, Files.readString(yml).replace("\"hidden_size\": 64", "\"hidden_size\": 128"));
        String message = rejected(root);
        assertTrue(message.startsWith("gpt_neox.embed_in.weight merges to [50432, 64] from [layer_00-model_00-model_states.pt,"
                + " layer_00-model_01-model_states.pt], but "), message);
        assertTrue(message.endsWith("(hidden_size 128, intermediate size 512) needs [50432, 128]"), message);
        Files.writeString(yml, Files.readString(yml).replace("\"hidden_size\": 128", "\"hidden_size\": 64").replace("\"num_layers\": 2", "\"num_layers\": 3"));
        assertTrue(rejected(root).startsWith("missing rank file " + root.resolve("global_step150000/layer_04-model_00-model_states.pt")));
    }

    @Test
    void mergesByConcatenationSumAndMean() {
        Arena arena = Arena.ofAuto();
        Tensor a = tensor(arena, "a", new long[] {2, 2}, 1, 2, 3, 4);
        Tensor b = tensor(arena, "b", new long[] {2, 2}, 5, 6, 7, 8);
        List<Tensor> parts = List.of(a, b);
        List<String> files = List.of("r0", "r1");
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, TpMerge.CONCAT_ROWS.merge("m", TpMerge.CONCAT_ROWS.mergedShape("m", parts, files), parts).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 5, 6, 3, 4, 7, 8}, TpMerge.CONCAT_COLUMNS.merge("m", TpMerge.CONCAT_COLUMNS.mergedShape("m", parts, files), parts).toFloatArray());
        assertArrayEquals(new float[] {6, 8, 10, 12}, TpMerge.SUM.merge("m", new long[] {2, 2}, parts).toFloatArray());
        assertArrayEquals(new float[] {3, 4, 5, 6}, TpMerge.REPLICATED.merge("m", new long[] {2, 2}, parts).toFloatArray());
        // float16 rounding at every step, as PyTorch's half arithmetic: 2049 is not a float16, 2048 + 1 rounds to even.
        Tensor big = tensor(arena, "x", new long[] {1}, 2048);
        Tensor one = tensor(arena, "y", new long[] {1}, 1);
        assertArrayEquals(new float[] {2048}, TpMerge.SUM.merge("s", new long[] {1}, List.of(big, one)).toFloatArray());
        assertEquals(a.data(), TpMerge.REPLICATED.merge("r", new long[] {2, 2}, List.of(a, a)).data(), "equal replicas: a view of rank 0");
    }

    private static Tensor tensor(Arena arena, String name, long[] shape, float... values) {
        MemorySegment data = arena.allocate(2L * values.length);
        for (int i = 0; i < values.length; i++) {
            data.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, Float.floatToFloat16(values[i]));
        }
        return new Tensor(name, DType.F16, shape, data);
    }

    /**
     * Writes the Hugging Face copy of tiny-parallel as a float32 pipeline checkpoint of tensor-parallel
     * size {@code tp}: rows or columns split evenly, row-parallel biases held whole by rank 0 (zeros
     * elsewhere, so their sum is exact), LayerNorms replicated.
     */
    private Path splitCheckpoint(int tp, int divisibleBy) throws IOException {
        Path root = tmp.resolve("tp" + tp);
        Path step = Files.createDirectories(root.resolve("global_step7"));
        Files.createDirectories(root.resolve("configs"));
        Files.writeString(root.resolve("latest"), "global_step7");
        Files.copy(native_().resolve("20B_tokenizer.json"), root.resolve("20B_tokenizer.json"));
        String yml = Files.readString(native_().resolve("configs/tiny-parallel.yml"))
                .replace("\"model_parallel_size\": 2", "\"model_parallel_size\": " + tp)
                .replace("\"make_vocab_size_divisible_by\": 128", "\"make_vocab_size_divisible_by\": " + divisibleBy);
        Files.writeString(root.resolve("configs/tiny.yml"), yml);
        NeoxConfig config = NeoxConfig.read(List.of(root.resolve("configs/tiny.yml")));
        Map<String, Map<String, Tensor>[]> files = new LinkedHashMap<>();
        Arena arena = Arena.ofAuto();
        try (SafetensorsFile hf = SafetensorsFile.open(Golden.model("tiny-parallel").resolve("model.safetensors"))) {
            for (NeoxNames.Source s : NeoxNames.sources(config, true)) {
                @SuppressWarnings("unchecked")
                Map<String, Tensor>[] ranks = files.computeIfAbsent(NeoxLayout.fileName(s.pipelineIndex(), 0), f -> new Map[tp]);
                Tensor full = hf.get(s.hfName());
                for (int r = 0; r < tp; r++) {
                    if (ranks[r] == null) {
                        ranks[r] = new LinkedHashMap<>();
                    }
                    ranks[r].put(s.key(), slice(full, s.merge(), r, tp, arena));
                }
            }
            for (var e : files.entrySet()) {
                for (int r = 0; r < tp; r++) {
                    PtFiles.writeStateDict(step.resolve(e.getKey().replace("model_00", String.format("model_%02d", r))), e.getValue()[r]);
                }
            }
        }
        return root;
    }

    private static Tensor slice(Tensor full, TpMerge merge, int rank, int tp, Arena arena) {
        long[] shape = full.shape();
        MemorySegment data = switch (merge) {
            case CONCAT_ROWS -> {
                shape[0] /= tp;
                yield full.data().asSlice(rank * full.byteSize() / tp, full.byteSize() / tp);
            }
            case CONCAT_COLUMNS -> {
                shape[1] /= tp;
                long part = full.byteSize() / full.dim(0) / tp;
                MemorySegment out = arena.allocate(full.byteSize() / tp);
                for (long row = 0; row < full.dim(0); row++) {
                    MemorySegment.copy(full.data(), (row * tp + rank) * part, out, row * part, part);
                }
                yield out;
            }
            case SUM -> rank == 0 ? full.data() : arena.allocate(full.byteSize());
            case REPLICATED -> full.data();
        };
        return new Tensor(full.name(), full.dtype(), shape, data);
    }

    @Test
    void anyTensorParallelSizeMergesBackToTheSameModel() throws IOException {
        // 50277 tokenizer entries padded to a multiple of divisible_by × tp must give the 50432 rows again.
        for (int[] tpAndDivisor : new int[][] {{1, 256}, {4, 64}}) {
            Path root = splitCheckpoint(tpAndDivisor[0], tpAndDivisor[1]);
            try (NeoxCheckpoint neox = NeoxCheckpoint.open(root);
                    SafetensorsFile hf = SafetensorsFile.open(Golden.model("tiny-parallel").resolve("model.safetensors"))) {
                assertEquals(tpAndDivisor[0], neox.neoxConfig().modelParallelSize());
                assertEquals(HfConfig.read(Golden.model("tiny-parallel")), neox.config());
                for (String name : hf.names()) {
                    Tensor got = neox.get(name);
                    assertEquals(DType.F32, got.dtype());
                    assertArrayEquals(hf.get(name).shape(), got.shape(), name);
                    assertEquals(-1, MemorySegment.mismatch(hf.get(name).data(), 0, got.byteSize(), got.data(), 0, got.byteSize()),
                            "tp " + tpAndDivisor[0] + " " + name);
                }
            }
        }
    }

    @Test
    void sequentialCheckpointsAreRefusedClearly() throws IOException {
        Path root = copyOfNative(tmp);
        try (var files = Files.list(root.resolve("global_step150000"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("layer_")).toList()) {
                Files.delete(f);
            }
        }
        assertThrows(FormatException.class, () -> NeoxCheckpoint.open(root));
        assertTrue(rejected(root).endsWith("a sequential (pipe_parallel_size 0) checkpoint, which neox4j does not read;"
                + " it reads pipeline checkpoints (layer_XX-model_YY-model_states.pt)"));
    }
}
