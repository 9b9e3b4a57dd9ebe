package org.neox4j.model;

import java.util.List;
import java.util.function.UnaryOperator;
import org.neox4j.tensor.Tensor;

/**
 * The weights of one transformer layer. Matrices stay in their storage dtype (mapped from the
 * file); the small vectors (norms, biases) are widened to float once at load.
 * Attention biases are null when the config says {@code attention_bias: false}.
 */
public record LayerWeights(
        float[] inputNormWeight,
        float[] inputNormBias,
        Tensor qkv,
        float[] qkvBias,
        Tensor attnOut,
        float[] attnOutBias,
        float[] postAttnNormWeight,
        float[] postAttnNormBias,
        Tensor mlpUp,
        float[] mlpUpBias,
        Tensor mlpDown,
        float[] mlpDownBias) {

    /** The four matrices, in the order the forward pass uses them. */
    public List<Tensor> matrices() {
        return List.of(qkv, attnOut, mlpUp, mlpDown);
    }

    /** This layer with each of its four matrices replaced by {@code f} of it (norms and biases shared). */
    public LayerWeights withMatrices(UnaryOperator<Tensor> f) {
        return new LayerWeights(inputNormWeight, inputNormBias, f.apply(qkv), qkvBias, f.apply(attnOut), attnOutBias,
                postAttnNormWeight, postAttnNormBias, f.apply(mlpUp), mlpUpBias, f.apply(mlpDown), mlpDownBias);
    }

    /** Bytes of this layer's matrices in storage. */
    public long matrixBytes() {
        return qkv.byteSize() + attnOut.byteSize() + mlpUp.byteSize() + mlpDown.byteSize();
    }
}
