package org.neox4j.model;

import java.util.List;
import org.neox4j.tensor.Tensor;

/** All weights of a GPT-NeoX model, in the order the forward pass uses them. */
public record ModelWeights(
        Tensor embedIn,
        List<LayerWeights> layers,
        float[] finalNormWeight,
        float[] finalNormBias,
        Tensor embedOut,
        QkvLayout qkvLayout) {

    public ModelWeights {
        layers = List.copyOf(layers);
    }

    /** Bytes a decode step reads: every layer matrix and the head (one embedding row is negligible). */
    public long bytesPerToken() {
        long total = embedOut.byteSize();
        for (LayerWeights l : layers) {
            total += l.matrixBytes();
        }
        return total;
    }
}
