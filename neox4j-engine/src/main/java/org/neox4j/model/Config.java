package org.neox4j.model;

import java.util.List;

/**
 * The shape and numerics of a GPT-NeoX model, whatever file it came from (Hugging Face
 * config.json, GGUF metadata, the original NeoX .yml). Validated when built.
 *
 * @param vocabSize rows of the embedding and head matrices (padded: 50432 for 20B)
 * @param rotaryDims dimensions of each head that rotary acts on: {@code int(headSize * rotary_pct)}
 * @param maxPositions the model's trained context ({@code max_position_embeddings})
 * @param eosTokenIds ids that end generation (from config.json / generation_config.json)
 */
public record Config(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int rotaryDims,
        double rotaryBase,
        RopeScaling ropeScaling,
        int maxPositions,
        double layerNormEps,
        boolean parallelResidual,
        Activation activation,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int bosTokenId,
        List<Integer> eosTokenIds) {

    public Config {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositions);
        if (hiddenSize % numHeads != 0) {
            throw new ConfigException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + numHeads);
        }
        int headSize = hiddenSize / numHeads;
        if (rotaryDims < 0 || rotaryDims > headSize || rotaryDims % 2 != 0) {
            throw new ConfigException("rotary dimensions per head must be even and within the head size " + headSize
                    + ", got " + rotaryDims + " (rotary_pct × head size, truncated)");
        }
        if (!(rotaryBase > 0) || Double.isInfinite(rotaryBase)) {
            throw new ConfigException("rotary base (rotary_emb_base / rope_theta) must be positive, got " + rotaryBase);
        }
        if (!(layerNormEps > 0) || layerNormEps >= 1) {
            throw new ConfigException("layer_norm_eps must be in (0, 1), got " + layerNormEps);
        }
        if (activation == null || ropeScaling == null) {
            throw new ConfigException("activation and rope scaling must be given");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new ConfigException(name + " must be positive, got " + value);
        }
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Number of weights (parameters) of the model, embeddings and head included. */
    public long parameterCount() {
        long h = hiddenSize;
        long i = intermediateSize;
        long attn = 3 * h * h + h * h + (attentionBias ? 4 * h : 0);
        long mlp = 2 * h * i + i + h;
        long norms = 4 * h;
        long perLayer = attn + mlp + norms;
        long embeddings = (long) vocabSize * h * (tieWordEmbeddings ? 1 : 2);
        return numLayers * perLayer + embeddings + 2 * h;
    }
}
