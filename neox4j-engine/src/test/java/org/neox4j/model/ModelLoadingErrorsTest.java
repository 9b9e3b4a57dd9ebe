package org.neox4j.model;

import org.neox4j.loader.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.Neox4jException;
import org.neox4j.format.FormatException;
import org.neox4j.format.safetensors.SafetensorsFile;
import org.neox4j.format.safetensors.SafetensorsWriter;
import org.neox4j.testing.Golden;

/** Bad models and bad requests fail with a clear message naming the file, tensor or value at fault. */
class ModelLoadingErrorsTest {
    @TempDir
    Path dir;

    /** A copy of tiny-sequential with its config edited and some tensors dropped. */
    private Path variant(String configFrom, String configTo, Predicate<String> keepTensor) throws IOException {
        Path source = Golden.model("tiny-sequential");
        String config = Files.readString(source.resolve("config.json"));
        if (configFrom != null) {
            assertTrue(config.contains(configFrom), "test setup: config.json contains " + configFrom);
            config = config.replace(configFrom, configTo);
        }
        Files.writeString(dir.resolve("config.json"), config);
        List<SafetensorsWriter.FloatTensor> tensors = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(source.resolve("model.safetensors"))) {
            for (String name : f.names()) {
                if (keepTensor.test(name)) {
                    tensors.add(new SafetensorsWriter.FloatTensor(name, f.get(name).shape(), f.get(name).toFloatArray()));
                }
            }
        }
        SafetensorsWriter.writeF32(dir.resolve("model.safetensors"), Map.of("format", "pt"), tensors);
        return dir;
    }

    private String loadError(Path model) {
        return assertThrows(Neox4jException.class, () -> ModelLoader.load(model, LoadOptions.defaults()).close()).getMessage();
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path model = variant(null, null, name -> !name.equals("gpt_neox.layers.1.mlp.dense_4h_to_h.bias"));
        String message = loadError(model);
        assertTrue(message.contains("missing tensor 'gpt_neox.layers.1.mlp.dense_4h_to_h.bias'"), message);
        assertTrue(message.contains("model.safetensors"), message);
    }

    @Test
    void shapeMismatchWithConfigIsNamed() throws IOException {
        Path model = variant("\"intermediate_size\": 384", "\"intermediate_size\": 256", name -> true);
        String message = loadError(model);
        assertTrue(message.contains("tensor 'gpt_neox.layers.0.mlp.dense_h_to_4h.weight' has shape [384, 96]")
                && message.contains("needs [256, 96]"), message);
    }

    @Test
    void moreLayersInTheFileThanInTheConfigIsAnError() throws IOException {
        Path model = variant("\"num_hidden_layers\": 3", "\"num_hidden_layers\": 2", name -> true);
        String message = loadError(model);
        assertTrue(message.contains("unexpected tensors") && message.contains("gpt_neox.layers.2."), message);
    }

    @Test
    void legacyBuffersAreSkipped() throws IOException {
        Path model = variant(null, null, name -> true);
        List<SafetensorsWriter.FloatTensor> tensors = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(model.resolve("model.safetensors"))) {
            for (String name : f.names()) {
                tensors.add(new SafetensorsWriter.FloatTensor(name, f.get(name).shape(), f.get(name).toFloatArray()));
            }
        }
        tensors.add(new SafetensorsWriter.FloatTensor("gpt_neox.layers.0.attention.masked_bias", new long[] {}, new float[] {-1e9f}));
        tensors.add(new SafetensorsWriter.FloatTensor("gpt_neox.layers.0.attention.rotary_emb.inv_freq", new long[] {6}, new float[6]));
        SafetensorsWriter.writeF32(model.resolve("model.safetensors"), Map.of(), tensors);
        ModelLoader.load(model, LoadOptions.defaults()).close();
    }

    @Test
    void unsupportedConfigValuesAreErrors() throws IOException {
        assertTrue(loadError(variant("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\"", n -> true))
                .contains("hidden_act 'relu' is not supported"));
        assertTrue(loadError(variant("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2.0}", n -> true))
                .contains("rope scaling type 'dynamic' is not supported"));
        assertTrue(loadError(variant("\"model_type\": \"gpt_neox\"", "\"model_type\": \"llama\"", n -> true))
                .contains("model_type 'llama' is not supported"));
        assertTrue(loadError(variant("\"hidden_size\": 96", "\"hidden_size\": \"big\"", n -> true))
                .contains("hidden_size must be an integer"));
        assertTrue(loadError(variant("\"rotary_pct\": 1.0", "\"rotary_pct\": 0.25", n -> true))
                .contains("rotary dimensions per head must be even"));
    }

    @Test
    void tokenIdOutsideTheVocabularyIsAnError() {
        try (NeoxModel model = ModelLoader.load(Golden.model("tiny-sequential"), LoadOptions.defaults())) {
            KvCache cache = model.network().newCache(8);
            String message = assertThrows(Neox4jException.class, () -> model.network().forward(cache, new int[] {1, 512})).getMessage();
            assertTrue(message.contains("token id 512 is outside the model's vocabulary [0, 512)"), message);
            assertTrue(cache.length() == 0, "a rejected forward pass leaves the cache untouched");
        }
    }

    @Test
    void promptLongerThanTheContextIsAnError() {
        try (NeoxModel model = ModelLoader.load(Golden.model("tiny-sequential"), LoadOptions.defaults())) {
            KvCache cache = model.network().newCache(4);
            String message = assertThrows(ContextOverflowException.class,
                    () -> model.network().forward(cache, new int[] {1, 2, 3, 4, 5})).getMessage();
            assertTrue(message.contains("the prompt has 5 tokens, more than the context of 4 tokens"), message);
        }
    }

    @Test
    void directoryWithoutWeightsIsExplained() throws IOException {
        Files.writeString(dir.resolve("config.json"), Files.readString(Golden.model("tiny-sequential").resolve("config.json")));
        assertTrue(loadError(dir).contains("no model.safetensors"));
        Files.writeString(dir.resolve("pytorch_model.bin"), "x");
        assertTrue(loadError(dir).contains("only pytorch_model.bin weights found"));
        assertThrows(FormatException.class, () -> ModelLoader.load(dir.resolve("nope"), LoadOptions.defaults()));
    }
}
