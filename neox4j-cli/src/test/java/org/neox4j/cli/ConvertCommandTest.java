package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.TensorStore;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.format.safetensors.ShardedSafetensors;
import org.neox4j.model.HfConfig;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;
import org.neox4j.testing.Golden;
import org.neox4j.testing.GoldenModel;

class ConvertCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Path nativeDir() {
        return Golden.model("tiny-parallel").resolve("neox-native");
    }

    @Test
    void convertsTheNativeCopyIntoTheHuggingFaceCopy() throws Exception {
        Path out = tmp.resolve("hf");
        CliRun r = CliRun.run("convert", "--model", nativeDir().toString(), "--to", "safetensors", "--out", out.toString(),
                "--max-shard-size", "5MB");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("writing 28 tensors  12.50 MiB in "), r.err());

        Path hf = Golden.model("tiny-parallel");
        assertEquals(HfConfig.read(hf), HfConfig.read(out));
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("GPTNeoXForCausalLM", config.get("architectures").get(0).asText());
        assertEquals("gpt_neox", config.get("model_type").asText());
        assertEquals("float16", config.get("torch_dtype").asText());
        assertArrayEquals(Files.readAllBytes(nativeDir().resolve("20B_tokenizer.json")), Files.readAllBytes(out.resolve("tokenizer.json")));

        JsonNode index = JSON.readTree(out.resolve("model.safetensors.index.json").toFile());
        assertEquals(13_110_784, index.get("metadata").get("total_size").asLong()); // 6,555,392 float16 parameters
        try (SafetensorsFile expected = SafetensorsFile.open(hf.resolve("model.safetensors"));
                TensorStore converted = ShardedSafetensors.open(out.resolve("model.safetensors.index.json"))) {
            assertEquals(expected.names().stream().sorted().toList(), converted.names().stream().sorted().toList());
            for (String name : expected.names()) {
                Tensor got = converted.get(name);
                assertEquals(DType.F16, got.dtype(), name);
                assertArrayEquals(expected.get(name).shape(), got.shape(), name);
                float[] want = expected.get(name).toFloatArray();
                float[] have = got.toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(have[i]), name + "[" + i + "]");
                }
            }
        }
        try (var files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("config.json", "generation_config.json", "model-00001-of-00003.safetensors",
                    "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", "model.safetensors.index.json",
                    "tokenizer.json"), names);
        }
    }

    @Test
    void generateRunsTheNativeCheckpointThroughTheCache() throws Exception {
        String old = System.getProperty("neox4j.cache");
        System.setProperty("neox4j.cache", tmp.resolve("cache").toString());
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            JsonNode g = golden.cases().get("generation").get(0);
            String prompt = g.get("prompt_ids").toString().replaceAll("[\\[\\] ]", "");
            String[] args = {"generate", "--model", nativeDir().toString(), "--prompt-token-ids", prompt, "--greedy", "-n", "20",
                "--ignore-eos", "--output-format", "json"};
            CliRun first = CliRun.run(args);
            assertEquals(0, first.exitCode(), first.err());
            assertTrue(first.err().contains("converting the GPT-NeoX checkpoint " + nativeDir() + " once into " + tmp.resolve("cache")),
                    first.err());
            assertEquals(Arrays.toString(GoldenModel.ints(g.get("new_tokens"))),
                    Arrays.toString(GoldenModel.ints(JSON.readTree(first.out()).get("token_ids"))));
            CliRun second = CliRun.run(args);
            assertEquals(0, second.exitCode(), second.err());
            assertFalse(second.err().contains("converting"), "the cache is reused: " + second.err());
            assertEquals(JSON.readTree(first.out()).get("token_ids"), JSON.readTree(second.out()).get("token_ids"));
        } finally {
            if (old == null) {
                System.clearProperty("neox4j.cache");
            } else {
                System.setProperty("neox4j.cache", old);
            }
        }
    }

    @Test
    void refusesWhatItCannotConvert() throws Exception {
        CliRun notNeox = CliRun.run("convert", "--model", Golden.model("tiny-parallel").toString(), "--to", "safetensors",
                "--out", tmp.resolve("x").toString());
        assertEquals(1, notNeox.exitCode());
        assertTrue(notNeox.err().contains("not an original GPT-NeoX checkpoint"), notNeox.err());

        Path busy = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(busy.resolve("keep.txt"), "x");
        CliRun nonEmpty = CliRun.run("convert", "--model", nativeDir().toString(), "--to", "safetensors", "--out", busy.toString());
        assertEquals(1, nonEmpty.exitCode());
        assertTrue(nonEmpty.err().contains(busy + ": directory is not empty; use --force"), nonEmpty.err());

        CliRun badSize = CliRun.run("convert", "--model", nativeDir().toString(), "--to", "safetensors", "--out",
                tmp.resolve("y").toString(), "--max-shard-size", "lots");
        assertEquals(2, badSize.exitCode());
        assertTrue(badSize.err().contains("'lots' is not a size such as 5GB, 500MB or 2GiB"), badSize.err());
        CliRun badFormat = CliRun.run("convert", "--model", nativeDir().toString(), "--to", "gguf", "--out", tmp.resolve("z").toString());
        assertEquals(2, badFormat.exitCode());
    }

    @Test
    void parsesShardSizesAsHuggingFaceDoes() {
        ConvertCommand.ByteSize size = new ConvertCommand.ByteSize();
        assertEquals(5_000_000_000L, size.convert("5GB"));
        assertEquals(5L << 30, size.convert("5GiB"));
        assertEquals(500_000_000L, size.convert("500mb"));
        assertEquals(1_500_000L, size.convert("1.5MB"));
        assertEquals(1234L, size.convert("1234"));
    }
}
