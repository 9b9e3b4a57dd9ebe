package org.neox4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.neox4j.Neox4jException;
import org.neox4j.tensor.Tensor;

/**
 * The weights of a GPT-NeoX model, or of a share of it ({@link ModelPart}), in the order the
 * forward pass uses them. A share holds layers {@code [firstLayer, firstLayer + layers.size())};
 * without the ends, {@code embedIn}, the final norm and {@code embedOut} are null.
 */
public record ModelWeights(
        Tensor embedIn,
        List<LayerWeights> layers,
        float[] finalNormWeight,
        float[] finalNormBias,
        Tensor embedOut,
        QkvLayout qkvLayout,
        int firstLayer) {

    public ModelWeights {
        layers = List.copyOf(layers);
        if (firstLayer < 0) {
            throw new IllegalArgumentException("first layer must not be negative, got " + firstLayer);
        }
    }

    /** All layers of a whole model. */
    public ModelWeights(Tensor embedIn, List<LayerWeights> layers, float[] finalNormWeight, float[] finalNormBias,
            Tensor embedOut, QkvLayout qkvLayout) {
        this(embedIn, layers, finalNormWeight, finalNormBias, embedOut, qkvLayout, 0);
    }

    /** One past the last layer held. */
    public int endLayer() {
        return firstLayer + layers.size();
    }

    /** Whether the embedding, the final LayerNorm and the head are held. */
    public boolean hasEnds() {
        return embedIn != null && embedOut != null && finalNormWeight != null;
    }

    /** Layer {@code index} (its number in the whole model); an error if this share does not hold it. */
    public LayerWeights layer(int index) {
        if (index < firstLayer || index >= endLayer()) {
            throw new Neox4jException("layer " + index + " is not loaded here: this model holds layers "
                    + firstLayer + "-" + endLayer());
        }
        return layers.get(index - firstLayer);
    }

    /**
     * These weights with each matrix a token reads in full (the layers' four, the head) replaced
     * by {@code f} of it, and the input embedding too when {@code alsoEmbedIn}; a head tied to the
     * input embedding stays tied. Norms and biases are shared. {@code f} is not called for absent
     * (null) matrices.
     */
    public ModelWeights withMatrices(UnaryOperator<Tensor> f, boolean alsoEmbedIn) {
        List<LayerWeights> replaced = new ArrayList<>(layers.size());
        for (LayerWeights l : layers) {
            replaced.add(l.withMatrices(f));
        }
        Tensor head = embedOut == null ? null : f.apply(embedOut);
        Tensor input = embedIn == embedOut ? head : embedIn == null || !alsoEmbedIn ? embedIn : f.apply(embedIn);
        return new ModelWeights(input, replaced, finalNormWeight, finalNormBias, head, qkvLayout, firstLayer);
    }

    /** Bytes a decode step reads: every layer matrix held and the head (one embedding row is negligible). */
    public long bytesPerToken() {
        long total = embedOut == null ? 0 : embedOut.byteSize();
        for (LayerWeights l : layers) {
            total += l.matrixBytes();
        }
        return total;
    }
}
