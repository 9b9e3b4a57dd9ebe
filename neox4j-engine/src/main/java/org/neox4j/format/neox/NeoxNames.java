package org.neox4j.format.neox;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Hugging Face tensors of a GPT-NeoX model and where each comes from in a pipeline checkpoint
 * ({@code NEOX_CHECKPOINT_LAYOUT.md}): pipeline layer 0 is the embedding, 2..L+1 the transformer
 * layers, L+3 the final LayerNorm and L+4 the output layer (absent when the embedding is tied).
 */
final class NeoxNames {
    /** Keys a layer file may hold that no Hugging Face tensor comes from (HF recomputes inv_freq in float32). */
    static final Set<String> IGNORED_KEYS = Set.of("attention.rotary_emb.inv_freq");

    /** One Hugging Face tensor: the pipeline layer and state-dict key it comes from and how ranks merge. */
    record Source(String hfName, int pipelineIndex, String key, TpMerge merge) {
    }

    private NeoxNames() {
    }

    static int embeddingIndex() {
        return 0;
    }

    static int layerIndex(int layer) {
        return layer + 2;
    }

    static int finalNormIndex(int numLayers) {
        return numLayers + 3;
    }

    static int outputIndex(int numLayers) {
        return numLayers + 4;
    }

    /** The pipeline indices that have files. */
    static List<Integer> indices(NeoxConfig c) {
        List<Integer> out = new ArrayList<>();
        out.add(embeddingIndex());
        for (int i = 0; i < c.numLayers(); i++) {
            out.add(layerIndex(i));
        }
        out.add(finalNormIndex(c.numLayers()));
        if (!c.tiedEmbeddings()) {
            out.add(outputIndex(c.numLayers()));
        }
        return out;
    }

    /**
     * All tensors in Hugging Face state-dict order. {@code legacyMlp} says whether the MLP keys are
     * {@code mlp.dense_h_to_4h}/{@code mlp.dense_4h_to_h} (20B) or {@code mlp.linear1}/{@code mlp.linear2}.
     */
    static List<Source> sources(NeoxConfig c, boolean legacyMlp) {
        // Row-parallel biases: each rank adds its copy before the single all-reduce of a parallel
        // residual, so they sum; a sequential residual adds the bias once, after the all-reduce.
        TpMerge rowBias = c.parallelResidual() ? TpMerge.SUM : TpMerge.REPLICATED;
        String h4h = legacyMlp ? "mlp.dense_h_to_4h" : "mlp.linear1";
        String fourHh = legacyMlp ? "mlp.dense_4h_to_h" : "mlp.linear2";
        List<Source> out = new ArrayList<>();
        out.add(new Source("gpt_neox.embed_in.weight", embeddingIndex(), "word_embeddings.weight", TpMerge.CONCAT_ROWS));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "gpt_neox.layers." + i + ".";
            int at = layerIndex(i);
            out.add(new Source(p + "input_layernorm.weight", at, "input_layernorm.weight", TpMerge.REPLICATED));
            out.add(new Source(p + "input_layernorm.bias", at, "input_layernorm.bias", TpMerge.REPLICATED));
            out.add(new Source(p + "post_attention_layernorm.weight", at, "post_attention_layernorm.weight", TpMerge.REPLICATED));
            out.add(new Source(p + "post_attention_layernorm.bias", at, "post_attention_layernorm.bias", TpMerge.REPLICATED));
            out.add(new Source(p + "attention.query_key_value.weight", at, "attention.query_key_value.weight", TpMerge.CONCAT_ROWS));
            if (c.attentionBias()) {
                out.add(new Source(p + "attention.query_key_value.bias", at, "attention.query_key_value.bias", TpMerge.CONCAT_ROWS));
            }
            out.add(new Source(p + "attention.dense.weight", at, "attention.dense.weight", TpMerge.CONCAT_COLUMNS));
            if (c.attentionBias()) {
                out.add(new Source(p + "attention.dense.bias", at, "attention.dense.bias", rowBias));
            }
            out.add(new Source(p + "mlp.dense_h_to_4h.weight", at, h4h + ".weight", TpMerge.CONCAT_ROWS));
            out.add(new Source(p + "mlp.dense_h_to_4h.bias", at, h4h + ".bias", TpMerge.CONCAT_ROWS));
            out.add(new Source(p + "mlp.dense_4h_to_h.weight", at, fourHh + ".weight", TpMerge.CONCAT_COLUMNS));
            out.add(new Source(p + "mlp.dense_4h_to_h.bias", at, fourHh + ".bias", rowBias));
        }
        out.add(new Source("gpt_neox.final_layer_norm.weight", finalNormIndex(c.numLayers()), "norm.weight", TpMerge.REPLICATED));
        out.add(new Source("gpt_neox.final_layer_norm.bias", finalNormIndex(c.numLayers()), "norm.bias", TpMerge.REPLICATED));
        if (!c.tiedEmbeddings()) {
            out.add(new Source("embed_out.weight", outputIndex(c.numLayers()), "final_linear.weight", TpMerge.CONCAT_ROWS));
        }
        return out;
    }

    /** The full shape Hugging Face expects for {@code hfName}, given the padded vocabulary. */
    static long[] expectedShape(String hfName, NeoxConfig c, long vocab) {
        long h = c.hiddenSize();
        long i = c.intermediateSize();
        String suffix = hfName.startsWith("gpt_neox.layers.") ? hfName.substring(hfName.indexOf('.', "gpt_neox.layers.".length()) + 1) : hfName;
        return switch (suffix) {
            case "gpt_neox.embed_in.weight", "embed_out.weight" -> new long[] {vocab, h};
            case "attention.query_key_value.weight" -> new long[] {3 * h, h};
            case "attention.query_key_value.bias" -> new long[] {3 * h};
            case "attention.dense.weight" -> new long[] {h, h};
            case "mlp.dense_h_to_4h.weight" -> new long[] {i, h};
            case "mlp.dense_h_to_4h.bias" -> new long[] {i};
            case "mlp.dense_4h_to_h.weight" -> new long[] {h, i};
            default -> new long[] {h}; // LayerNorms, row-parallel biases
        };
    }
}
