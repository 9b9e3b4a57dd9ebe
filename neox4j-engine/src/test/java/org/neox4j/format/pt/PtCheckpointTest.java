package org.neox4j.format.pt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.FormatException;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;
import org.neox4j.testing.Golden;

class PtCheckpointTest {
    @TempDir
    Path tmp;

    private static Path goldenLayer(String file) {
        return Golden.model("tiny-parallel").resolve("neox-native/global_step150000/" + file);
    }

    private static String rejected(Path file) {
        return assertThrows(FormatException.class, () -> PtCheckpoint.open(file).close()).getMessage();
    }

    @Test
    void readsTheGoldenFinalNormAsViewsOfTheFile() throws Exception {
        Path hf = Golden.model("tiny-parallel").resolve("model.safetensors");
        try (PtCheckpoint pt = PtCheckpoint.open(goldenLayer("layer_05-model_01-model_states.pt"));
                SafetensorsFile expected = SafetensorsFile.open(hf)) {
            assertEquals(List.of("norm.weight", "norm.bias"), List.copyOf(pt.tensorRefs().keySet()));
            assertEquals("layer_05-model_01-model_states/", ptPrefix(pt));
            Tensor w = pt.tensor("norm.weight");
            assertEquals(DType.F16, w.dtype());
            assertArrayEquals(new long[] {64}, w.shape());
            assertArrayEquals(expected.get("gpt_neox.final_layer_norm.weight").toFloatArray(), w.toFloatArray());
            assertArrayEquals(expected.get("gpt_neox.final_layer_norm.bias").toFloatArray(), pt.tensor("norm.bias").toFloatArray());
            assertEquals(List.of("norm.weight", "norm.bias"), List.copyOf(pt.tensors().keySet()));
            PyValue.PyDict root = (PyValue.PyDict) pt.root();
            assertTrue(root.attributes().containsKey("_metadata"), "BUILD restored the state dict's _metadata");
        }
    }

    private static String ptPrefix(PtCheckpoint pt) {
        try (PtZip zip = PtZip.open(pt.path())) {
            return zip.prefix();
        }
    }

    @Test
    void readsEngineStateFilesAsInertData() {
        try (PtCheckpoint pt = PtCheckpoint.open(goldenLayer("mp_rank_00_model_states.pt"))) {
            PyValue.PyDict root = (PyValue.PyDict) pt.root();
            assertEquals(new PyValue.Int(2), root.get("mp_world_size"));
            assertEquals(new PyValue.Int(50432), ((PyValue.PyDict) root.get("args")).get("padded_vocab_size"));
            assertTrue(pt.tensorRefs().isEmpty());
        }
    }

    @Test
    void rejectsATruncatedFile() throws Exception {
        byte[] bytes = Files.readAllBytes(goldenLayer("layer_02-model_00-model_states.pt"));
        Path cut = tmp.resolve("cut.pt");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 200));
        assertTrue(rejected(cut).endsWith("cut.pt: not a zip archive, or truncated (no end-of-central-directory record);"
                + " torch.save checkpoints are zip files"), rejected(cut));
        Files.write(cut, new byte[0]);
        assertTrue(rejected(cut).contains("not a zip archive, or truncated"));
    }

    @Test
    void rejectsACorruptCentralDirectory() throws Exception {
        byte[] bytes = Files.readAllBytes(goldenLayer("layer_05-model_00-model_states.pt"));
        Path bad = tmp.resolve("bad.pt");
        // Point the end record's central-directory offset past the end of the file.
        int eocd = bytes.length - 22;
        bytes[eocd + 16] = (byte) 0xF0;
        bytes[eocd + 17] = (byte) 0xFF;
        Files.write(bad, bytes);
        String message = rejected(bad);
        assertTrue(message.contains("corrupt zip archive: central directory") && message.contains("file truncated?"), message);
    }

    @Test
    void rejectsACorruptPickleByItsCrc() throws Exception {
        byte[] bytes = Files.readAllBytes(goldenLayer("layer_05-model_00-model_states.pt"));
        Path bad = tmp.resolve("crc.pt");
        bytes[200] ^= 1; // inside data.pkl (bytes 128..443)
        Files.write(bad, bytes);
        assertTrue(rejected(bad).contains("entry 'layer_05-model_00-model_states/data.pkl' fails its CRC-32 check"));
    }

    @Test
    void rejectsArchivesThatAreNotCheckpoints() {
        Path noPickle = tmp.resolve("nopickle.pt");
        PtFiles.writeZip(noPickle, "x/", Map.of("version", "3\n".getBytes()), false);
        assertTrue(rejected(noPickle).contains("no data.pkl in the zip archive: not a torch.save checkpoint"));
        Path noVersion = tmp.resolve("noversion.pt");
        PtFiles.writeZip(noVersion, "x/", Map.of("data.pkl", new PickleBytes().proto(2).op('N').stop().bytes()), false);
        assertTrue(rejected(noVersion).contains("no 'version' record in the archive"));
    }

    @Test
    void rejectsBigEndianCheckpoints() {
        Path file = tmp.resolve("big.pt");
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", new PickleBytes().proto(2).op('N').stop().bytes());
        records.put("byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        records.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        PtFiles.writeZip(file, "archive/", records, false);
        assertTrue(rejected(file).contains("saved on a big-endian machine (byteorder 'big')"));
        records.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        PtFiles.writeZip(file, "archive/", records, false);
        try (PtCheckpoint pt = PtCheckpoint.open(file)) {
            assertEquals(PyValue.None.NONE, pt.root());
        }
    }

    private static byte[] oneTensor(String storageClass, long numel, long[] size) {
        return new PickleBytes().proto(2).op('}').str("w").tensor(storageClass, "0", numel, 0, size).op('s').stop().bytes();
    }

    @Test
    void inflatesSmallDeflatedRecordsAndRefusesLargeOnes() {
        Path small = tmp.resolve("deflated.pt");
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", oneTensor("FloatStorage", 2, new long[] {2}));
        records.put("data/0", new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40}); // 1.0f, 2.0f
        records.put("version", "3\n".getBytes());
        PtFiles.writeZip(small, "archive/", records, true);
        try (PtCheckpoint pt = PtCheckpoint.open(small)) {
            assertArrayEquals(new float[] {1f, 2f}, pt.tensor("w").toFloatArray());
        }
        Path large = tmp.resolve("large.pt");
        long numel = PtZip.MAX_INFLATE / 4 + 1;
        records.put("data.pkl", oneTensor("FloatStorage", numel, new long[] {numel}));
        records.put("data/0", new byte[(int) (numel * 4)]);
        PtFiles.writeZip(large, "archive/", records, true);
        String message = rejected(large);
        assertTrue(message.contains("entry 'archive/data/0' is compressed (" + numel * 4 + " bytes); PyTorch stores tensors uncompressed"), message);
    }

    @Test
    void readsZip64Archives() {
        // More than 65535 entries: java.util.zip writes the ZIP64 end records, as PyTorch does for huge files.
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", oneTensor("HalfStorage", 1, new long[] {1}));
        records.put("version", "3\n".getBytes());
        for (int i = 0; i < 70_000; i++) {
            records.put("data/" + i, new byte[] {0, 0x3C}); // 1.0 in float16
        }
        Path file = tmp.resolve("zip64.pt");
        PtFiles.writeZip(file, "archive/", records, false);
        try (PtZip zip = PtZip.open(file); PtCheckpoint pt = PtCheckpoint.open(file)) {
            assertEquals(70_002, zip.entries().size());
            assertArrayEquals(new float[] {1f}, pt.tensor("w").toFloatArray());
        }
    }

    @Test
    void boundsTheBytesInflatedFromOneArchive() {
        Map<String, byte[]> records = new LinkedHashMap<>();
        PickleBytes p = new PickleBytes().proto(2).op('}').mark();
        int n = (int) (PtZip.MAX_INFLATE_TOTAL / PtZip.MAX_INFLATE) + 1;
        for (int i = 0; i < n; i++) {
            p.str("w" + i).tensor("ByteStorage", Integer.toString(i), PtZip.MAX_INFLATE, 0, new long[] {PtZip.MAX_INFLATE});
            records.put("data/" + i, new byte[(int) PtZip.MAX_INFLATE]);
        }
        records.put("data.pkl", p.op('u').stop().bytes());
        records.put("version", "3\n".getBytes());
        Path bomb = tmp.resolve("bomb.pt");
        PtFiles.writeZip(bomb, "archive/", records, true);
        assertTrue(rejected(bomb).contains("is compressed (" + PtZip.MAX_INFLATE + " bytes)"), rejected(bomb));
    }

    @Test
    void rejectsStoragesThatAreMissingOrShort() {
        Path missing = tmp.resolve("missing.pt");
        PtFiles.writeCheckpoint(missing, oneTensor("HalfStorage", 4, new long[] {4}), Map.of());
        assertTrue(rejected(missing).contains("storage record 'archive/data/0' is missing from the archive"));
        Path shortStorage = tmp.resolve("short.pt");
        PtFiles.writeCheckpoint(shortStorage, oneTensor("HalfStorage", 4, new long[] {4}), Map.of("0", new byte[6]));
        assertTrue(rejected(shortStorage).contains("storage data/0 holds 6 bytes but 4 float16 elements need 8"));
    }

    @Test
    void refusesTensorsTheEngineCannotUse() {
        Path longs = tmp.resolve("long.pt");
        PtFiles.writeCheckpoint(longs, oneTensor("LongStorage", 2, new long[] {2}), Map.of("0", new byte[16]));
        try (PtCheckpoint pt = PtCheckpoint.open(longs)) {
            String message = assertThrows(FormatException.class, () -> pt.tensor("w")).getMessage();
            assertTrue(message.endsWith("long.pt: tensor 'w' has dtype int64 (torch.LongStorage), which cannot be used as weights"
                    + " (supported: float32, float16, bfloat16)"), message);
        }
        Path outside = tmp.resolve("outside.pt");
        PtFiles.writeCheckpoint(outside, oneTensor("HalfStorage", 4, new long[] {2, 3}), Map.of("0", new byte[8]));
        try (PtCheckpoint pt = PtCheckpoint.open(outside)) {
            String message = assertThrows(FormatException.class, () -> pt.tensor("w")).getMessage();
            assertTrue(message.contains("tensor 'w' (6 elements at offset 0) lies outside its storage data/0 of 4 elements"), message);
        }
    }

    @Test
    void refusesNonContiguousTensors() {
        byte[] pickle = new PickleBytes().proto(2).op('}').str("w")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(6).tuple().op('Q')
                .integer(0).integer(2).integer(3).op(0x86).integer(1).integer(2).op(0x86) // size (2,3), stride (1,2): a transpose
                .op(0x89).op('N').tuple().reduce().op('s').stop().bytes();
        Path file = tmp.resolve("transposed.pt");
        PtFiles.writeCheckpoint(file, pickle, Map.of("0", new byte[24]));
        try (PtCheckpoint pt = PtCheckpoint.open(file)) {
            String message = assertThrows(FormatException.class, () -> pt.tensor("w")).getMessage();
            assertTrue(message.contains("tensor 'w' is not contiguous (size [2, 3], stride [1, 2])"), message);
        }
    }
}
