package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neox4j.cli.ScoreCommandTest.LEN7_TEXT;
import static org.neox4j.cli.ScoreCommandTest.assertError;
import static org.neox4j.testing.Approx.assertClose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.testing.GoldenModel;

class EmbedCommandTest {
    static final double TOL = 1e-4;

    @TempDir
    Path dir;

    @Test
    void jsonVectorsAreThePooledGoldenHiddenStates() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            CliRun r = CliRun.run("embed", "-m", golden.dir().toString(), LEN7_TEXT, " reappe");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode o = new ObjectMapper().readTree(r.out());
            assertEquals(2, o.get("layer").asInt(), "default: the last hidden state (after the final LayerNorm)");
            assertEquals("mean", o.get("pooling").asText());
            assertEquals(64, o.get("dimensions").asInt());
            assertEquals(7, o.get("embeddings").get(0).get("tokens").asInt());
            assertEquals(1, o.get("embeddings").get(1).get("tokens").asInt());
            assertClose(pooled(golden, "len7", 2, false), floats(o.get("embeddings").get(0).get("vector")), TOL, "embed len7 mean");
            assertClose(pooled(golden, "len1", 2, false), floats(o.get("embeddings").get(1).get("vector")), TOL, "embed len1 mean");

            CliRun last = CliRun.run("embed", "-m", golden.dir().toString(), "--layer", "1", "--pooling", "last", LEN7_TEXT);
            assertEquals(0, last.exitCode(), last.err());
            JsonNode l = new ObjectMapper().readTree(last.out());
            assertClose(pooled(golden, "len7", 1, true), floats(l.get("embeddings").get(0).get("vector")), TOL, "embed len7 layer 1 last");
        }
    }

    @Test
    void npyOutputIsAFloat32Matrix() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            Path npy = dir.resolve("vectors.npy");
            CliRun r = CliRun.run("embed", "-m", golden.dir().toString(), "--layer", "0", "--output", npy.toString(), "--json", LEN7_TEXT, " reappe");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode o = new ObjectMapper().readTree(r.out());
            assertEquals("[2,64]", o.get("shape").toString());
            byte[] bytes = Files.readAllBytes(npy);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, java.util.Arrays.copyOf(bytes, 8), "magic and version 1.0");
            int headerLength = Short.toUnsignedInt(b.getShort(8));
            String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
            assertEquals(0, (10 + headerLength) % 64, "data aligned to 64 bytes");
            assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 64), }"), header);
            assertTrue(header.endsWith("\n"));
            assertEquals(10 + headerLength + 2 * 64 * 4, bytes.length);
            float[] data = new float[2 * 64];
            b.position(10 + headerLength);
            b.asFloatBuffer().get(data);
            assertClose(pooled(golden, "len7", 0, false), java.util.Arrays.copyOfRange(data, 0, 64), TOL, "npy row 0");
            assertClose(pooled(golden, "len1", 0, false), java.util.Arrays.copyOfRange(data, 64, 128), TOL, "npy row 1");
        }
    }

    @Test
    void badLayersAndTextsGiveClearErrors() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            String m = golden.dir().toString();
            assertError("embed: error: layer 3 does not exist: this model has hidden states 0..2", CliRun.run("embed", "-m", m, "--layer", "3", "a"));
            assertError("embed: error: text 2 has no tokens; there is nothing to embed", CliRun.run("embed", "-m", m, "a", ""));
            assertError("embed: error: --output " + dir.resolve("v.txt") + ": the file name must end in .npy",
                    CliRun.run("embed", "-m", m, "--output", dir.resolve("v.txt").toString(), "a"));
            assertError("embed: error: text 1 has 300 tokens, more than the model's context of 256 tokens",
                    CliRun.run("embed", "-m", m, " reappe".repeat(300)));
        }
    }

    /** Mean (double) or last row of golden hidden state {@code index} of a case. */
    static float[] pooled(GoldenModel golden, String caseName, int index, boolean last) {
        long[] shape = golden.shape(caseName + ".hidden_states");
        int n = (int) shape[1];
        int h = (int) shape[2];
        float[] hidden = golden.tensor(caseName + ".hidden_states");
        float[] out = new float[h];
        for (int j = 0; j < h; j++) {
            double sum = 0;
            for (int t = last ? n - 1 : 0; t < n; t++) {
                sum += hidden[(index * n + t) * h + j];
            }
            out[j] = (float) (last ? sum : sum / n);
        }
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
