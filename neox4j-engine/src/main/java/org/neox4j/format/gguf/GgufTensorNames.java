package org.neox4j.format.gguf;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's tensor names for the {@code gptneox} architecture (gguf-py {@code MODEL_TENSOR}
 * names) and the Hugging Face names the engine binds weights by.
 */
public final class GgufTensorNames {
    private static final Map<String, String> GLOBAL = Map.of(
            "token_embd.weight", "gpt_neox.embed_in.weight",
            "output_norm.weight", "gpt_neox.final_layer_norm.weight",
            "output_norm.bias", "gpt_neox.final_layer_norm.bias",
            "output.weight", "embed_out.weight");
    private static final Map<String, String> LAYER = Map.of(
            "attn_norm", "input_layernorm",
            "attn_qkv", "attention.query_key_value",
            "attn_output", "attention.dense",
            "ffn_norm", "post_attention_layernorm",
            "ffn_up", "mlp.dense_h_to_4h",
            "ffn_down", "mlp.dense_4h_to_h");
    private static final Pattern GGUF_LAYER = Pattern.compile("blk\\.(\\d{1,6})\\.([a-z_]+)\\.(weight|bias)");
    private static final Pattern HF_LAYER = Pattern.compile("gpt_neox\\.layers\\.(\\d{1,6})\\.([a-z_.0-9]+)\\.(weight|bias)");

    private GgufTensorNames() {
    }

    /** The Hugging Face name of a GGUF tensor, or the GGUF name itself when it is not a gptneox tensor. */
    public static String toHf(String gguf) {
        String global = GLOBAL.get(gguf);
        if (global != null) {
            return global;
        }
        Matcher m = GGUF_LAYER.matcher(gguf);
        if (m.matches() && LAYER.containsKey(m.group(2))) {
            return "gpt_neox.layers." + Integer.parseInt(m.group(1)) + "." + LAYER.get(m.group(2)) + "." + m.group(3);
        }
        return gguf;
    }

    /** The GGUF name of a Hugging Face tensor, or null when llama.cpp's gptneox has no such tensor. */
    public static String toGguf(String hf) {
        for (Map.Entry<String, String> e : GLOBAL.entrySet()) {
            if (e.getValue().equals(hf)) {
                return e.getKey();
            }
        }
        Matcher m = HF_LAYER.matcher(hf);
        if (m.matches()) {
            for (Map.Entry<String, String> e : LAYER.entrySet()) {
                if (e.getValue().equals(m.group(2))) {
                    return "blk." + Integer.parseInt(m.group(1)) + "." + e.getKey() + "." + m.group(3);
                }
            }
        }
        return null;
    }
}
