package org.neox4j.model;

import org.neox4j.Neox4jException;

/**
 * Which weights of a model to load: a contiguous range of transformer layers and, optionally,
 * the ends (the input embedding, the final LayerNorm and the head). A pipeline worker loads a
 * range without the ends; a pipeline coordinator loads the ends and the layers it runs itself.
 * Weights outside the part are never touched, so with memory mapping they are never paged in.
 *
 * @param firstLayer first layer to load
 * @param endLayer one past the last layer, or {@link #TO_LAST} for "through the model's last layer"
 * @param ends whether to load the embedding, the final LayerNorm and the head
 */
public record ModelPart(int firstLayer, int endLayer, boolean ends) {
    /** {@link #endLayer} meaning "through the last layer", whatever the model's depth. */
    public static final int TO_LAST = Integer.MAX_VALUE;

    /** The whole model. */
    public static final ModelPart WHOLE = new ModelPart(0, TO_LAST, true);

    public ModelPart {
        if (firstLayer < 0 || endLayer < firstLayer) {
            throw new IllegalArgumentException("layer range " + firstLayer + "-" + endLayer + " is empty or negative");
        }
    }

    /** Layers [from, to) only, without the ends (a pipeline worker). */
    public static ModelPart layers(int from, int to) {
        if (to <= from) {
            throw new IllegalArgumentException("layer range " + from + "-" + to + " holds no layer");
        }
        return new ModelPart(from, to, false);
    }

    /** The ends and layers [0, to) (a pipeline coordinator that runs the first {@code to} layers itself; 0 for none). */
    public static ModelPart endsWithLayers(int to) {
        return new ModelPart(0, to, true);
    }

    public boolean isWhole() {
        return firstLayer == 0 && endLayer == TO_LAST && ends;
    }

    /** The end of the range for a model of {@code numLayers} layers, checked against it. */
    public int endFor(Config config) {
        if (endLayer == TO_LAST) {
            return config.numLayers();
        }
        if (endLayer > config.numLayers()) {
            throw new Neox4jException("layers " + firstLayer + "-" + endLayer + " were asked for, but the model has "
                    + config.numLayers() + " layers (0-" + config.numLayers() + ")");
        }
        return endLayer;
    }

    @Override
    public String toString() {
        String range = firstLayer + "-" + (endLayer == TO_LAST ? "end" : String.valueOf(endLayer));
        return isWhole() ? "whole model" : (ends ? "embeddings, head and layers " : "layers ") + range;
    }
}
