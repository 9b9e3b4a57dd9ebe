package org.neox4j.model;

import java.util.ArrayList;
import java.util.List;
import org.neox4j.format.FormatException;
import org.neox4j.format.gguf.GgufFile;
import org.neox4j.format.gguf.GgufMetadata;
import org.neox4j.format.gguf.GgufValue;
import org.neox4j.format.gguf.GgufValueType;
import org.neox4j.format.gguf.GgufVocabulary;
import org.neox4j.format.gguf.GgufWriter;

/**
 * A {@link Config} from and to GGUF metadata, with llama.cpp's keys for the {@code gptneox}
 * architecture. Two things llama.cpp's keys do not say are decided here:
 * <ul>
 *   <li>the MLP activation: llama.cpp's gptneox graph always computes the tanh GELU, so a file
 *   without neox4j's key {@code neox4j.hidden_act} runs with {@code gelu_fast} (what llama.cpp
 *   computes); files neox4j writes record the model's own {@code hidden_act} there;</li>
 *   <li>the vocabulary size, tied embeddings and attention biases, read from the tensors.</li>
 * </ul>
 */
public final class GgufConfig {
    public static final String ARCH = "gptneox";
    public static final String HIDDEN_ACT = "neox4j.hidden_act";
    public static final String EOS_IDS = "neox4j.eos_token_ids";

    private GgufConfig() {
    }

    public static Config read(GgufFile file) {
        GgufMetadata m = file.gguf();
        String arch = m.optionalString("general.architecture").orElseThrow(() ->
                new FormatException(file.source() + ": missing metadata key 'general.architecture'"));
        if (!arch.equals(ARCH)) {
            throw new FormatException(file.source() + ": general.architecture is '" + arch + "'; neox4j runs '" + ARCH + "' (GPT-NeoX, Pythia)");
        }
        int hidden = m.count(key("embedding_length"));
        int heads = m.count(key("attention.head_count"));
        m.optionalCount(key("attention.head_count_kv")).ifPresent(kv -> {
            if (kv != heads) {
                throw new FormatException(file.source() + ": " + key("attention.head_count_kv") + " " + kv
                        + " differs from head_count " + heads + "; GPT-NeoX has no grouped-query attention");
            }
        });
        long[] embed = file.info(WeightNames.EMBED_IN).orElseThrow(() ->
                new FormatException(file.source() + ": missing tensor 'token_embd.weight'")).shape();
        if (embed.length != 2) {
            throw new FormatException(file.source() + ": token_embd.weight must be a matrix");
        }
        Activation activation = Activation.GELU_FAST;
        if (m.has(HIDDEN_ACT)) {
            String act = m.string(HIDDEN_ACT);
            activation = Activation.fromConfigName(act);
            if (activation == null) {
                throw new FormatException(file.source() + ": " + HIDDEN_ACT + " '" + act + "' is not supported (gelu, gelu_fast, gelu_new)");
            }
        }
        try {
            return new Config(
                    Math.toIntExact(embed[0]),
                    hidden,
                    m.count(key("block_count")),
                    heads,
                    m.count(key("feed_forward_length")),
                    m.count(key("rope.dimension_count")),
                    m.optionalNumber(key("rope.freq_base")).orElse(10000.0),
                    ropeScaling(m),
                    m.count(key("context_length")),
                    m.number(key("attention.layer_norm_epsilon")),
                    m.optionalBool(key("use_parallel_residual")).orElse(true),
                    activation,
                    file.info(WeightNames.EMBED_OUT).isEmpty(),
                    file.info(WeightNames.layer(0, "attention.query_key_value.bias")).isPresent(),
                    m.optionalCount(GgufVocabulary.BOS).orElse(0),
                    eosIds(m));
        } catch (ConfigException e) {
            throw new FormatException(file.source() + ": " + e.getMessage());
        }
    }

    private static RopeScaling ropeScaling(GgufMetadata m) {
        String type = m.optionalString(key("rope.scaling.type")).orElse("none");
        return switch (type) {
            case "none" -> RopeScaling.NONE;
            case "linear" -> {
                double factor = m.number(key("rope.scaling.factor"));
                if (!(factor >= 1)) {
                    throw new FormatException(m.source() + ": " + key("rope.scaling.factor") + " must be >= 1, got " + factor);
                }
                yield new RopeScaling(factor);
            }
            default -> throw new FormatException(m.source() + ": rope scaling '" + type + "' is not supported (none, linear)");
        };
    }

    private static List<Integer> eosIds(GgufMetadata m) {
        if (m.has(EOS_IDS)) {
            List<Integer> ids = new ArrayList<>();
            for (int id : m.ints(EOS_IDS)) {
                ids.add(id);
            }
            return ids;
        }
        return List.of(m.optionalCount(GgufVocabulary.EOS).orElse(0));
    }

    /** Writes the architecture keys in the order llama.cpp's converter writes them. */
    public static void write(GgufWriter w, Config c, String name) {
        w.put("general.architecture", GgufValue.string(ARCH));
        w.put("general.name", GgufValue.string(name));
        w.put(key("context_length"), GgufValue.uint32(c.maxPositions()));
        w.put(key("embedding_length"), GgufValue.uint32(c.hiddenSize()));
        w.put(key("block_count"), GgufValue.uint32(c.numLayers()));
        w.put(key("feed_forward_length"), GgufValue.uint32(c.intermediateSize()));
        w.put(key("rope.dimension_count"), GgufValue.uint32(c.rotaryDims()));
        w.put(key("attention.head_count"), GgufValue.uint32(c.numHeads()));
        w.put(key("use_parallel_residual"), GgufValue.bool(c.parallelResidual()));
        w.put(key("attention.layer_norm_epsilon"), GgufValue.float32(c.layerNormEps()));
        if (c.rotaryBase() != 10000) {
            w.put(key("rope.freq_base"), GgufValue.float32(c.rotaryBase()));
        }
        if (c.ropeScaling().factor() != 1) {
            w.put(key("rope.scaling.type"), GgufValue.string("linear"));
            w.put(key("rope.scaling.factor"), GgufValue.float32(c.ropeScaling().factor()));
        }
        w.put(HIDDEN_ACT, GgufValue.string(c.activation().configName()));
        if (c.eosTokenIds().size() > 1) {
            List<GgufValue> ids = c.eosTokenIds().stream().<GgufValue>map(id -> GgufValue.uint32(id)).toList();
            w.put(EOS_IDS, new GgufValue.ArrayValue(GgufValueType.UINT32, ids));
        }
    }

    private static String key(String suffix) {
        return ARCH + "." + suffix;
    }
}
