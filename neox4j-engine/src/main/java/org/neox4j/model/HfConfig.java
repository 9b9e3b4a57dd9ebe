package org.neox4j.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Hugging Face {@code config.json} for {@code GPTNeoXForCausalLM} (and the optional
 * {@code generation_config.json} beside it) into a {@link Config}. Missing keys take the
 * defaults of transformers' {@code GPTNeoXConfig}; values neox4j cannot run are errors that
 * name the key.
 */
public final class HfConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfConfig() {
    }

    /** Reads {@code dir/config.json} and, when present, {@code dir/generation_config.json}. */
    public static Config read(Path dir) {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ConfigException(dir + ": no config.json (expected a Hugging Face model directory)");
        }
        Path generationFile = dir.resolve("generation_config.json");
        return parse(readTree(configFile), Files.isRegularFile(generationFile) ? readTree(generationFile) : null,
                configFile.toString());
    }

    static JsonNode readTree(Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            if (node == null || !node.isObject()) {
                throw new ConfigException(file + ": expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Builds a config from parsed JSON; {@code source} names the file in error messages. */
    public static Config parse(JsonNode config, JsonNode generation, String source) {
        Keys keys = new Keys(config, source);
        keys.expectText("model_type", "gpt_neox");
        JsonNode architectures = config.get("architectures");
        if (architectures != null && architectures.isArray() && !architectures.isEmpty()) {
            boolean causalLm = false;
            for (JsonNode a : architectures) {
                causalLm |= "GPTNeoXForCausalLM".equals(a.asText());
            }
            if (!causalLm) {
                throw new ConfigException(source + ": architectures " + architectures + " is not supported; neox4j runs GPTNeoXForCausalLM");
            }
        }

        int hidden = keys.integer("hidden_size", 6144);
        int heads = keys.integer("num_attention_heads", 64);
        JsonNode ropeParameters = config.get("rope_parameters");
        Keys rope = ropeParameters != null && ropeParameters.isObject() ? new Keys(ropeParameters, source + " rope_parameters") : null;

        double rotaryPct = keys.has("rotary_pct") ? keys.number("rotary_pct", 0.25)
                : keys.has("partial_rotary_factor") ? keys.number("partial_rotary_factor", 0.25)
                : rope != null && rope.has("partial_rotary_factor") ? rope.number("partial_rotary_factor", 0.25) : 0.25;
        double base = keys.has("rotary_emb_base") ? keys.number("rotary_emb_base", 10000)
                : keys.has("rope_theta") ? keys.number("rope_theta", 10000)
                : rope != null && rope.has("rope_theta") ? rope.number("rope_theta", 10000) : 10000;
        if (!(rotaryPct > 0) || rotaryPct > 1) {
            throw new ConfigException(source + ": rotary_pct must be in (0, 1], got " + rotaryPct);
        }
        if (hidden % heads != 0) {
            throw new ConfigException(source + ": hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        }
        // Python's int(head_size * rotary_pct): truncation, as in transformers.
        int rotaryDims = (int) ((hidden / heads) * rotaryPct);

        String act = keys.text("hidden_act", "gelu");
        Activation activation = Activation.fromConfigName(act);
        if (activation == null) {
            throw new ConfigException(source + ": hidden_act '" + act + "' is not supported (supported: gelu, gelu_fast, gelu_new)");
        }

        List<Integer> eos = eosIds(config.get("eos_token_id"), source, List.of(2));
        int bos = keys.integer("bos_token_id", 0);
        if (generation != null) {
            eos = eosIds(generation.get("eos_token_id"), source.replace("config.json", "generation_config.json"), eos);
            bos = new Keys(generation, source).integer("bos_token_id", bos);
        }

        try {
            return new Config(
                    keys.integer("vocab_size", 50432),
                    hidden,
                    keys.integer("num_hidden_layers", 44),
                    heads,
                    keys.integer("intermediate_size", 24576),
                    rotaryDims,
                    base,
                    ropeScaling(config.get("rope_scaling"), rope, source),
                    keys.integer("max_position_embeddings", 2048),
                    keys.number("layer_norm_eps", 1e-5),
                    keys.bool("use_parallel_residual", true),
                    activation,
                    keys.bool("tie_word_embeddings", false),
                    keys.bool("attention_bias", true),
                    bos,
                    eos);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }

    private static RopeScaling ropeScaling(JsonNode scaling, Keys rope, String source) {
        Keys keys;
        if (scaling != null && !scaling.isNull()) {
            if (!scaling.isObject()) {
                throw new ConfigException(source + ": rope_scaling must be null or an object, got " + scaling);
            }
            keys = new Keys(scaling, source + " rope_scaling");
        } else if (rope != null) {
            keys = rope;
        } else {
            return RopeScaling.NONE;
        }
        String type = keys.has("rope_type") ? keys.text("rope_type", "default") : keys.text("type", "default");
        return switch (type) {
            case "default" -> RopeScaling.NONE;
            case "linear" -> {
                double factor = keys.number("factor", Double.NaN);
                if (!(factor >= 1)) {
                    throw new ConfigException(source + ": rope_scaling factor must be a number >= 1, got " + factor);
                }
                yield new RopeScaling(factor);
            }
            default -> throw new ConfigException(source + ": rope scaling type '" + type + "' is not supported (supported: linear)");
        };
    }

    private static List<Integer> eosIds(JsonNode node, String source, List<Integer> fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        List<Integer> ids = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode n : node) {
                ids.add(tokenId(n, source));
            }
        } else {
            ids.add(tokenId(node, source));
        }
        return ids;
    }

    private static int tokenId(JsonNode n, String source) {
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
            throw new ConfigException(source + ": eos_token_id must be a non-negative integer or a list of them, got " + n);
        }
        return n.asInt();
    }

    /** Typed access to optional keys with errors that name the key and the file. */
    private record Keys(JsonNode node, String source) {
        boolean has(String key) {
            JsonNode v = node.get(key);
            return v != null && !v.isNull();
        }

        int integer(String key, int fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new ConfigException(source + ": " + key + " must be an integer, got " + v);
            }
            return v.asInt();
        }

        double number(String key, double fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            if (!v.isNumber()) {
                throw new ConfigException(source + ": " + key + " must be a number, got " + v);
            }
            return v.asDouble();
        }

        boolean bool(String key, boolean fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            if (!v.isBoolean()) {
                throw new ConfigException(source + ": " + key + " must be true or false, got " + v);
            }
            return v.asBoolean();
        }

        String text(String key, String fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            if (!v.isTextual()) {
                throw new ConfigException(source + ": " + key + " must be a string, got " + v);
            }
            return v.asText();
        }

        void expectText(String key, String expected) {
            if (has(key) && !expected.equals(text(key, expected))) {
                throw new ConfigException(source + ": " + key + " '" + node.get(key).asText() + "' is not supported; neox4j runs '" + expected + "' models");
            }
        }
    }
}
