package org.neox4j.server;

import java.util.List;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;

/**
 * Text embeddings from a causal model: the final hidden states (after the final LayerNorm, as
 * Hugging Face's {@code last_hidden_state}) averaged over the input's tokens.
 */
final class Embeddings {
    private Embeddings() {
    }

    /**
     * The mean-pooled final hidden state of {@code ids}. One forward pass of its own (it waits for
     * the scheduler's current step: the model runs one pass at a time); memory for the hidden
     * states of every layer is {@code (layers + 1) × tokens × hidden × 4} bytes while it runs.
     */
    static float[] meanPooled(GptNeoX network, int[] ids) {
        ForwardOptions options = new ForwardOptions(ForwardOptions.Logits.NONE, true, null);
        ForwardResult r = network.forward(List.of(new GptNeoX.Chunk(network.newCache(ids.length), ids)), options);
        float[] last = r.hiddenStates()[r.hiddenStates().length - 1];
        int h = network.config().hiddenSize();
        double[] sum = new double[h];
        for (int t = 0; t < ids.length; t++) {
            for (int i = 0; i < h; i++) {
                sum[i] += last[t * h + i];
            }
        }
        float[] mean = new float[h];
        for (int i = 0; i < h; i++) {
            mean[i] = (float) (sum[i] / ids.length);
        }
        return mean;
    }
}
