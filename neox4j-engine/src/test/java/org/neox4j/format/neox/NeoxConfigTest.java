package org.neox4j.format.neox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neox4j.model.Activation;
import org.neox4j.model.Config;
import org.neox4j.model.ConfigException;
import org.neox4j.model.HfConfig;
import org.neox4j.testing.Golden;

class NeoxConfigTest {
    /** The tiny-parallel settings as a 20B-style config, with {@code overrides} applied. */
    static NeoxConfig tiny(Map<String, Object> overrides) {
        Map<String, Object> yml = new LinkedHashMap<>(Map.of(
                "num_layers", 2L, "hidden_size", 64L, "num_attention_heads", 4L, "seq_length", 256L,
                "pos_emb", "rotary", "rotary_pct", 0.25, "gpt_j_residual", true, "no_weight_tying", true,
                "bias_gelu_fusion", true, "model_parallel_size", 2L));
        yml.putAll(overrides);
        return NeoxConfig.from(yml, "tiny.yml");
    }

    private static String rejected(Map<String, Object> overrides) {
        return assertThrows(ConfigException.class, () -> tiny(overrides)).getMessage();
    }

    @Test
    void goldenYamlMapsOntoTheHuggingFaceConfig() {
        NeoxConfig neox = NeoxConfig.read(List.of(Golden.model("tiny-parallel").resolve("neox-native/configs/tiny-parallel.yml")));
        Config hf = HfConfig.read(Golden.model("tiny-parallel"));
        assertEquals(hf, neox.toConfig(50432, 0, List.of(0)));
        assertEquals(50432, neox.paddedVocab(50277));
    }

    @Test
    void usesGptNeoxDefaults() {
        NeoxConfig c = tiny(Map.of());
        assertEquals(256, c.maxPositions()); // from seq_length
        assertEquals(10000, c.rotaryBase());
        assertEquals(1e-5, c.layerNormEps());
        assertEquals(256, c.intermediateSize()); // 4 × hidden
        assertEquals(4, c.rotaryDims());
        assertEquals(Activation.GELU_FAST, c.activation()); // bias_gelu_fusion: the tanh approximation
        assertEquals(Activation.GELU, tiny(Map.of("bias_gelu_fusion", false)).activation());
        assertEquals(1.0, NeoxConfig.from(Map.of("num_layers", 1L, "hidden_size", 8L, "num_attention_heads", 2L,
                "seq_length", 16L, "pos_emb", "rotary"), "x.yml").rotaryPct());
        assertEquals(true, tiny(Map.of("no_weight_tying", false)).tiedEmbeddings());
        assertEquals(100, tiny(Map.of("intermediate_size", 99L)).intermediateSize()); // rounded up to 2 × mlp_multiple_of
    }

    @Test
    void padsTheVocabularyAsGptNeoxDoes() {
        assertEquals(50432, tiny(Map.of()).paddedVocab(50277)); // 20B: a multiple of 128 × 2
        assertEquals(50304, tiny(Map.of("model_parallel_size", 1L)).paddedVocab(50277)); // Pythia: a multiple of 128
        assertEquals(256, tiny(Map.of()).paddedVocab(256));
    }

    @Test
    void unsupportedSettingsNameTheKey() {
        assertEquals("tiny.yml: pos_emb 'learned' is not supported: neox4j runs rotary models"
                + " (Hugging Face GPT-NeoX has no other position embedding)", rejected(Map.of("pos_emb", "learned")));
        assertEquals("tiny.yml: norm 'rmsnorm' is not supported: neox4j runs LayerNorm models", rejected(Map.of("norm", "rmsnorm")));
        assertEquals("tiny.yml: activation 'swiglu' is not supported: neox4j runs GELU MLPs (gated and other activations are not supported)",
                rejected(Map.of("activation", "swiglu")));
        assertEquals("tiny.yml: output_layer_parallelism 'row' is not supported: the output layer must be split along the vocabulary",
                rejected(Map.of("output_layer_parallelism", "row")));
        assertEquals("tiny.yml: gpt_j_tied 'true' is not supported: this variant is not supported", rejected(Map.of("gpt_j_tied", true)));
        assertEquals("tiny.yml: num_kv_heads '2' is not supported: grouped-query attention is not supported", rejected(Map.of("num_kv_heads", 2L)));
        assertEquals("tiny.yml: attention_config 'local' is not supported: only dense causal attention (global, flash) is supported",
                rejected(Map.of("attention_config", List.of(List.of(List.of("global", "local"), 1L)))));
        assertEquals("tiny.yml: use_bias_in_norms 'false' is not supported: GPT-NeoX models have LayerNorm and MLP biases",
                rejected(Map.of("use_bias_in_norms", false)));
        assertEquals("tiny.yml: required key 'num_attention_heads' is missing", assertThrows(ConfigException.class,
                () -> NeoxConfig.from(Map.of("hidden_size", 8L, "pos_emb", "rotary"), "tiny.yml")).getMessage());
        assertEquals("tiny.yml: hidden_size must be an integer, got 6.5", rejected(Map.of("hidden_size", 6.5)));
        assertEquals("tiny.yml: rotary_pct must be in (0, 1], got 1.5", rejected(Map.of("rotary_pct", 1.5)));
        assertEquals("tiny.yml: num_attention_heads 4 must divide hidden_size 64 and be divisible by model_parallel_size 8",
                rejected(Map.of("model_parallel_size", 8L)));
    }

    @Test
    void acceptsDenseAttentionConfigs() {
        assertEquals(2, tiny(Map.of("attention_config", List.of(List.of(List.of("flash"), 2L)))).numLayers());
    }
}
