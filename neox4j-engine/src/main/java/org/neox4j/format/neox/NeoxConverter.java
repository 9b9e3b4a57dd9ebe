package org.neox4j.format.neox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.format.TensorSpec;
import org.neox4j.format.safetensors.SafetensorsWriter;
import org.neox4j.model.Config;

/**
 * Converts a GPT-NeoX pipeline checkpoint into a Hugging Face model directory: safetensors
 * shards (+ index), {@code config.json} (a {@code GPTNeoXConfig} as {@code save_pretrained}
 * writes it), {@code generation_config.json} and {@code tokenizer.json}. Tensors are merged and
 * written one at a time, so memory stays at about the largest tensor; the dtype is kept (the
 * 20B release is float16). {@code config.json} is written last: a directory that has it is complete.
 */
public final class NeoxConverter {
    private NeoxConverter() {
    }

    /** Converts {@code checkpoint} into {@code out} (created if needed). */
    public static void toHuggingFace(NeoxCheckpoint checkpoint, Path out, long maxShardBytes, ProgressListener progress) {
        Path tokenizer = checkpoint.tokenizerFile().orElseThrow(() -> new Neox4jException(checkpoint.source()
                + ": no Hugging Face tokenizer file (vocab_file '" + checkpoint.neoxConfig().vocabFile() + "' of tokenizer_type "
                + checkpoint.neoxConfig().tokenizerType() + "; looked beside the checkpoint for it and for 20B_tokenizer.json);"
                + " a converted model needs a tokenizer.json"));
        try {
            Files.createDirectories(out);
            Files.deleteIfExists(out.resolve("config.json"));
            try (var old = Files.list(out)) { // shards of an earlier conversion would mix with the new ones
                for (Path f : old.filter(NeoxConverter::isWeightFile).toList()) {
                    Files.delete(f);
                }
            }
            SafetensorsWriter.writeModel(out, checkpoint.specs(), maxShardBytes, checkpoint::get, progress);
            Path copy = out.resolve("tokenizer.json.partial");
            try (var in = Files.newInputStream(tokenizer)) { // the bytes only, not the source's permissions
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(copy, out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot write: " + e.getMessage(), e);
        }
        Config c = checkpoint.config();
        SafetensorsWriter.writeJson(out.resolve("generation_config.json"), generationConfig(c));
        SafetensorsWriter.writeJson(out.resolve("config.json"), hfConfig(checkpoint.neoxConfig(), c, torchDtype(checkpoint.specs())));
    }

    private static boolean isWeightFile(Path f) {
        String n = f.getFileName().toString();
        return n.startsWith("model") && (n.endsWith(".safetensors") || n.equals("model.safetensors.index.json"));
    }

    /** The keys of transformers' {@code GPTNeoXConfig.to_json_string()}, sorted as it sorts them. */
    static Map<String, Object> hfConfig(NeoxConfig neox, Config c, String torchDtype) {
        Map<String, Object> m = new TreeMap<>();
        m.put("architectures", List.of("GPTNeoXForCausalLM"));
        m.put("attention_bias", c.attentionBias());
        m.put("attention_dropout", 0.0);
        m.put("bos_token_id", c.bosTokenId());
        m.put("classifier_dropout", 0.1);
        m.put("eos_token_id", c.eosTokenIds().size() == 1 ? c.eosTokenIds().getFirst() : c.eosTokenIds());
        m.put("hidden_act", c.activation().configName());
        m.put("hidden_dropout", 0.0);
        m.put("hidden_size", c.hiddenSize());
        m.put("initializer_range", 0.02);
        m.put("intermediate_size", c.intermediateSize());
        m.put("layer_norm_eps", c.layerNormEps());
        m.put("max_position_embeddings", c.maxPositions());
        m.put("model_type", "gpt_neox");
        m.put("num_attention_heads", c.numHeads());
        m.put("num_hidden_layers", c.numLayers());
        m.put("rope_scaling", null);
        m.put("rotary_emb_base", integral(c.rotaryBase()));
        m.put("rotary_pct", neox.rotaryPct()); // the fraction as configured: re-deriving it from the dims could truncate differently
        m.put("tie_word_embeddings", c.tieWordEmbeddings());
        m.put("torch_dtype", torchDtype);
        m.put("use_cache", true);
        m.put("use_parallel_residual", c.parallelResidual());
        m.put("vocab_size", c.vocabSize());
        return m;
    }

    static Map<String, Object> generationConfig(Config c) {
        Map<String, Object> m = new TreeMap<>();
        m.put("_from_model_config", true);
        m.put("bos_token_id", c.bosTokenId());
        m.put("eos_token_id", c.eosTokenIds().size() == 1 ? c.eosTokenIds().getFirst() : c.eosTokenIds());
        return m;
    }

    private static Object integral(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

    private static String torchDtype(List<TensorSpec> specs) {
        return switch (specs.getFirst().dtype()) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> throw new IllegalStateException(specs.getFirst().dtype().toString());
        };
    }
}
