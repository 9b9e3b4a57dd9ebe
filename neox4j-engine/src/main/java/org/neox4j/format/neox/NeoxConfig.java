package org.neox4j.format.neox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neox4j.model.Activation;
import org.neox4j.model.Config;
import org.neox4j.model.ConfigException;
import org.neox4j.model.RopeScaling;

/**
 * The settings of a GPT-NeoX training configuration ({@code configs/*.yml}) that decide the
 * model's shape and numerics, with GPT-NeoX's defaults for absent keys. Settings neox4j cannot
 * run (learned or ALiBi positions, RMSNorm, gated MLPs, sparse attention, ...) are errors that
 * name the key. {@link #toConfig} maps them onto the engine's {@link Config} as EleutherAI's
 * {@code convert_neox_to_hf.py} maps them onto Hugging Face's {@code GPTNeoXConfig}.
 *
 * @param rotaryPct fraction of each head that rotary acts on ({@code rotary_pct}, default 1.0)
 * @param parallelResidual {@code gpt_j_residual}
 * @param tiedEmbeddings {@code !no_weight_tying}: the output layer reuses the embedding
 * @param activation {@code gelu} with {@code bias_gelu_fusion} is the tanh approximation (gelu_fast), else exact gelu
 * @param vocabFile {@code vocab_file} as written (relative to where training ran), or null
 */
public record NeoxConfig(
        String source,
        int numLayers,
        int hiddenSize,
        int numHeads,
        int intermediateSize,
        int maxPositions,
        double rotaryPct,
        double rotaryBase,
        double layerNormEps,
        boolean parallelResidual,
        boolean tiedEmbeddings,
        boolean attentionBias,
        Activation activation,
        int modelParallelSize,
        int pipeParallelSize,
        int vocabDivisibleBy,
        String tokenizerType,
        String vocabFile) {

    /** Flags that change the architecture in ways neox4j does not implement; each must be off. */
    private static final List<String> UNSUPPORTED_FLAGS = List.of("gpt_j_tied", "use_qk_layernorm", "use_mup",
            "te_columnparallel", "te_rowparallel", "te_layernorm_mlp", "te_mha");
    private static final Set<String> PLAIN_ATTENTION = Set.of("global", "flash");

    public NeoxConfig {
        if (modelParallelSize <= 0 || vocabDivisibleBy <= 0 || maxPositions <= 0) {
            throw new ConfigException(source + ": model_parallel_size, make_vocab_size_divisible_by and max_position_embeddings"
                    + " must be positive, got " + modelParallelSize + ", " + vocabDivisibleBy + ", " + maxPositions);
        }
        if (hiddenSize % numHeads != 0 || numHeads % modelParallelSize != 0) {
            throw new ConfigException(source + ": num_attention_heads " + numHeads + " must divide hidden_size " + hiddenSize
                    + " and be divisible by model_parallel_size " + modelParallelSize);
        }
    }

    /** Reads and merges the given .yml files (keys normalised, duplicates rejected). */
    public static NeoxConfig read(List<Path> files) {
        return from(NeoxYaml.readAll(files), String.join(", ", files.stream().map(Path::toString).toList()));
    }

    /** Builds the config from merged YAML with top-level keys using {@code _}. */
    public static NeoxConfig from(Map<String, Object> yml, String source) {
        Keys k = new Keys(yml, source);
        k.expect("pos_emb", "learned", "rotary", "neox4j runs rotary models (Hugging Face GPT-NeoX has no other position embedding)");
        k.expect("norm", "layernorm", "layernorm", "neox4j runs LayerNorm models");
        k.expect("activation", "gelu", "gelu", "neox4j runs GELU MLPs (gated and other activations are not supported)");
        k.expect("output_layer_parallelism", "column", "column", "the output layer must be split along the vocabulary");
        for (String flag : UNSUPPORTED_FLAGS) {
            if (k.bool(flag, false)) {
                throw k.unsupported(flag, "true", "this variant is not supported");
            }
        }
        if (!k.bool("use_bias_in_norms", true) || !k.bool("use_bias_in_mlp", true)) {
            throw k.unsupported(!k.bool("use_bias_in_norms", true) ? "use_bias_in_norms" : "use_bias_in_mlp", "false",
                    "GPT-NeoX models have LayerNorm and MLP biases");
        }
        if (k.integer("moe_num_experts", 1) > 1) {
            throw k.unsupported("moe_num_experts", String.valueOf(k.integer("moe_num_experts", 1)), "mixture-of-experts models are not supported");
        }
        if (yml.get("soft_prompt_tuning") != null) {
            throw k.unsupported("soft_prompt_tuning", String.valueOf(yml.get("soft_prompt_tuning")), "soft prompts are not supported");
        }
        checkAttention(yml.get("attention_config"), k);

        int hidden = k.required("hidden_size");
        int heads = k.required("num_attention_heads");
        if (yml.get("num_kv_heads") != null && k.integer("num_kv_heads", heads) != heads) {
            throw k.unsupported("num_kv_heads", String.valueOf(yml.get("num_kv_heads")), "grouped-query attention is not supported");
        }
        boolean fusion = k.bool("bias_gelu_fusion", false);
        if (fusion && k.bool("onnx_safe", false)) {
            throw new ConfigException(source + ": onnx_safe and bias_gelu_fusion cannot both be set (GPT-NeoX refuses them too)");
        }
        Integer maxPositions = yml.get("max_position_embeddings") != null ? k.integer("max_position_embeddings", 0)
                : yml.get("seq_length") != null ? k.integer("seq_length", 0) : null;
        if (maxPositions == null) {
            throw new ConfigException(source + ": neither max_position_embeddings nor seq_length is set");
        }
        double rotaryPct = k.number("rotary_pct", 1.0);
        if (!(rotaryPct > 0) || rotaryPct > 1) {
            throw new ConfigException(source + ": rotary_pct must be in (0, 1], got " + rotaryPct);
        }
        return new NeoxConfig(source, k.required("num_layers"), hidden, heads, intermediateSize(k, hidden), maxPositions,
                rotaryPct, k.number("rotary_emb_base", 10000), k.number("layernorm_epsilon", 1e-5),
                k.bool("gpt_j_residual", false), !k.bool("no_weight_tying", false), k.bool("use_bias_in_attn_linear", true),
                fusion ? Activation.GELU_FAST : Activation.GELU,
                k.integer("model_parallel_size", 1), k.integer("pipe_parallel_size", 1), k.integer("make_vocab_size_divisible_by", 128),
                k.text("tokenizer_type", "GPT2BPETokenizer"), k.text("vocab_file", null));
    }

    /** GPT-NeoX's ParallelMLP width: intermediate_size, else expansion_factor × hidden, else 4 × hidden; rounded up to 2 × mlp_multiple_of. */
    private static int intermediateSize(Keys k, int hidden) {
        int size = k.has("intermediate_size") ? k.integer("intermediate_size", 0)
                : k.has("expansion_factor") ? (int) (k.number("expansion_factor", 4) * hidden) : 4 * hidden;
        int multiple = 2 * k.integer("mlp_multiple_of", 1);
        if (multiple <= 0) {
            throw new ConfigException(k.source() + ": mlp_multiple_of must be positive");
        }
        return multiple * ((size + multiple - 1) / multiple);
    }

    private static void checkAttention(Object config, Keys k) {
        if (config == null) {
            return;
        }
        // [[["global"], 44]] or [[["global", "local"], 22]]: types and a repeat count.
        if (config instanceof List<?> groups) {
            for (Object group : groups) {
                if (!(group instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof List<?> types)) {
                    throw new ConfigException(k.source() + ": attention_config must look like [[[\"global\"], num_layers]], got " + config);
                }
                for (Object type : types) {
                    if (!PLAIN_ATTENTION.contains(String.valueOf(type))) {
                        throw k.unsupported("attention_config", String.valueOf(type), "only dense causal attention (global, flash) is supported");
                    }
                }
            }
            return;
        }
        throw new ConfigException(k.source() + ": attention_config must be a list, got " + config);
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Rotary dimensions per head: Python's {@code int(head_size * rotary_pct)}. */
    public int rotaryDims() {
        return (int) (headSize() * rotaryPct);
    }

    /**
     * The vocabulary GPT-NeoX pads a tokenizer of {@code tokenizerSize} entries to: the next
     * multiple of {@code make_vocab_size_divisible_by × model_parallel_size} (50277 → 50432 for 20B).
     */
    public int paddedVocab(int tokenizerSize) {
        long multiple = (long) vocabDivisibleBy * modelParallelSize;
        return Math.toIntExact((tokenizerSize + multiple - 1) / multiple * multiple);
    }

    /** The engine config for a model of {@code vocabSize} rows with the given special tokens. */
    public Config toConfig(int vocabSize, int bosTokenId, List<Integer> eosTokenIds) {
        try {
            return new Config(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, rotaryDims(), rotaryBase,
                    RopeScaling.NONE, maxPositions, layerNormEps, parallelResidual, activation, tiedEmbeddings, attentionBias,
                    bosTokenId, eosTokenIds);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }

    /** Typed access to YAML keys, with errors naming the key and the files. */
    private record Keys(Map<String, Object> yml, String source) {
        boolean has(String key) {
            return yml.get(key) != null;
        }

        int required(String key) {
            if (!has(key)) {
                throw new ConfigException(source + ": required key '" + key + "' is missing");
            }
            int v = integer(key, 0);
            if (v <= 0) {
                throw new ConfigException(source + ": " + key + " must be positive, got " + v);
            }
            return v;
        }

        int integer(String key, int fallback) {
            Object v = yml.get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return l.intValue();
            }
            throw new ConfigException(source + ": " + key + " must be an integer, got " + v);
        }

        double number(String key, double fallback) {
            Object v = yml.get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw new ConfigException(source + ": " + key + " must be a number, got '" + v + "'");
        }

        boolean bool(String key, boolean fallback) {
            Object v = yml.get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw new ConfigException(source + ": " + key + " must be true or false, got " + v);
        }

        String text(String key, String fallback) {
            Object v = yml.get(key);
            return v == null ? fallback : String.valueOf(v);
        }

        void expect(String key, String fallback, String supported, String why) {
            String value = text(key, fallback);
            if (!value.equals(supported)) {
                throw unsupported(key, value, why);
            }
        }

        ConfigException unsupported(String key, String value, String why) {
            return new ConfigException(source + ": " + key + " '" + value + "' is not supported: " + why);
        }
    }
}
