package org.neox4j.model;

/** Hugging Face's state-dict names for GPTNeoXForCausalLM, the engine's canonical names. */
public final class WeightNames {
    public static final String EMBED_IN = "gpt_neox.embed_in.weight";
    public static final String FINAL_NORM_WEIGHT = "gpt_neox.final_layer_norm.weight";
    public static final String FINAL_NORM_BIAS = "gpt_neox.final_layer_norm.bias";
    public static final String EMBED_OUT = "embed_out.weight";

    private WeightNames() {
    }

    /** {@code gpt_neox.layers.{layer}.{suffix}}, e.g. suffix {@code attention.dense.weight}. */
    public static String layer(int layer, String suffix) {
        return "gpt_neox.layers." + layer + "." + suffix;
    }

    /** Buffers older transformers versions saved; they carry no weights and are ignored. */
    public static boolean isLegacyBuffer(String name) {
        return name.startsWith("gpt_neox.layers.")
                && (name.endsWith(".attention.bias") || name.endsWith(".attention.masked_bias")
                        || name.endsWith(".attention.rotary_emb.inv_freq"));
    }
}
