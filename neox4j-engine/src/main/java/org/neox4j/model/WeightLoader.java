package org.neox4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorStore;
import org.neox4j.tensor.Tensor;

/**
 * Binds the tensors of a store to the model's weights by their Hugging Face names, checking
 * every shape against the config. Errors name the store and the tensor.
 */
public final class WeightLoader {
    private final TensorStore store;
    private final Config config;
    private final Set<String> used = new HashSet<>();

    private WeightLoader(TensorStore store, Config config) {
        this.store = store;
        this.config = config;
    }

    public static ModelWeights load(TensorStore store, Config config, QkvLayout layout) {
        return load(store, config, layout, ModelPart.WHOLE);
    }

    /**
     * Binds the weights of {@code part} only: the tensors of other layers (and of the ends, unless
     * asked for) are neither read nor shape-checked, so their pages are never touched.
     */
    public static ModelWeights load(TensorStore store, Config config, QkvLayout layout, ModelPart part) {
        return new WeightLoader(store, config).load(layout, part);
    }

    private ModelWeights load(QkvLayout layout, ModelPart part) {
        int h = config.hiddenSize();
        int v = config.vocabSize();
        int first = part.firstLayer();
        int end = part.endFor(config);
        Tensor embedIn = part.ends() ? matrix(WeightNames.EMBED_IN, v, h) : null;
        List<LayerWeights> layers = new ArrayList<>(end - first);
        for (int i = first; i < end; i++) {
            layers.add(layer(i));
        }
        float[] normW = part.ends() ? vector(WeightNames.FINAL_NORM_WEIGHT, h) : null;
        float[] normB = part.ends() ? vector(WeightNames.FINAL_NORM_BIAS, h) : null;
        Tensor embedOut = null;
        if (part.ends() && config.tieWordEmbeddings()) {
            embedOut = store.find(WeightNames.EMBED_OUT).isPresent() ? matrix(WeightNames.EMBED_OUT, v, h) : embedIn;
        } else if (part.ends()) {
            embedOut = matrix(WeightNames.EMBED_OUT, v, h);
        }
        checkNothingUnexpected(part, first, end);
        return new ModelWeights(embedIn, layers, normW, normB, embedOut, layout, first);
    }

    private LayerWeights layer(int i) {
        int h = config.hiddenSize();
        int inter = config.intermediateSize();
        boolean bias = config.attentionBias();
        return new LayerWeights(
                vector(WeightNames.layer(i, "input_layernorm.weight"), h),
                vector(WeightNames.layer(i, "input_layernorm.bias"), h),
                matrix(WeightNames.layer(i, "attention.query_key_value.weight"), 3 * h, h),
                bias ? vector(WeightNames.layer(i, "attention.query_key_value.bias"), 3 * h) : null,
                matrix(WeightNames.layer(i, "attention.dense.weight"), h, h),
                bias ? vector(WeightNames.layer(i, "attention.dense.bias"), h) : null,
                vector(WeightNames.layer(i, "post_attention_layernorm.weight"), h),
                vector(WeightNames.layer(i, "post_attention_layernorm.bias"), h),
                matrix(WeightNames.layer(i, "mlp.dense_h_to_4h.weight"), inter, h),
                vector(WeightNames.layer(i, "mlp.dense_h_to_4h.bias"), inter),
                matrix(WeightNames.layer(i, "mlp.dense_4h_to_h.weight"), h, inter),
                vector(WeightNames.layer(i, "mlp.dense_4h_to_h.bias"), h));
    }

    private Tensor matrix(String name, long rows, long cols) {
        Tensor t = tensor(name);
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw mismatch(t, new long[] {rows, cols});
        }
        return t;
    }

    private float[] vector(String name, long size) {
        Tensor t = tensor(name);
        if (t.rank() != 1 || t.dim(0) != size) {
            throw mismatch(t, new long[] {size});
        }
        return t.toFloatArray();
    }

    private Tensor tensor(String name) {
        used.add(name);
        return store.find(name).orElseThrow(() -> new FormatException(store.source() + ": missing tensor '" + name
                + "' (the config has " + config.numLayers() + " layers"
                + (config.attentionBias() ? ", attention_bias true" : "") + ")"));
    }

    private FormatException mismatch(Tensor t, long[] expected) {
        return new FormatException(store.source() + ": tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                + " but the config (hidden_size " + config.hiddenSize() + ", intermediate_size " + config.intermediateSize()
                + ", vocab_size " + config.vocabSize() + ") needs " + Arrays.toString(expected));
    }

    private void checkNothingUnexpected(ModelPart part, int first, int end) {
        List<String> unexpected = new ArrayList<>();
        for (String name : store.names()) {
            if (!used.contains(name) && !WeightNames.isLegacyBuffer(name)
                    && !(config.tieWordEmbeddings() && name.equals(WeightNames.EMBED_OUT))
                    && !outsidePart(name, part, first, end)) {
                unexpected.add(name);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new FormatException(store.source() + ": unexpected tensors for a GPTNeoXForCausalLM with "
                    + config.numLayers() + " layers: " + (unexpected.size() > 5 ? unexpected.subList(0, 5) + " and "
                    + (unexpected.size() - 5) + " more" : unexpected));
        }
    }

    /** Whether {@code name} belongs to the model but not to the part being loaded (left to the stage that loads it). */
    private boolean outsidePart(String name, ModelPart part, int first, int end) {
        if (!part.ends() && (name.equals(WeightNames.EMBED_IN) || name.equals(WeightNames.EMBED_OUT)
                || name.equals(WeightNames.FINAL_NORM_WEIGHT) || name.equals(WeightNames.FINAL_NORM_BIAS))) {
            return true;
        }
        for (int i = 0; i < config.numLayers(); i++) {
            if ((i < first || i >= end) && name.startsWith(WeightNames.layer(i, ""))) {
                return true;
            }
        }
        return false;
    }
}
