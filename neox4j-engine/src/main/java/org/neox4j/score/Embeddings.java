package org.neox4j.score;

import java.util.ArrayList;
import java.util.List;
import org.neox4j.Neox4jException;
import org.neox4j.model.Config;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;

/**
 * Feature vectors of texts from the hidden states of one layer, pooled over the tokens.
 *
 * <p>Layers are numbered as Hugging Face's {@code output_hidden_states}: 0 is the token embeddings,
 * {@code k} (1 ≤ k < L) the residual stream after the first k transformer blocks, and {@code L}
 * (the number of blocks) the output of the final LayerNorm, the default. Negative numbers count from the end:
 * -1 is {@code L}.
 */
public final class Embeddings {
    private final GptNeoX network;
    private final int batchTokens;

    /**
     * @param batchTokens texts share one forward pass while they total at most this many tokens
     */
    public Embeddings(GptNeoX network, int batchTokens) {
        if (batchTokens < 1) {
            throw new IllegalArgumentException("batch tokens must be at least 1, got " + batchTokens);
        }
        this.network = network;
        this.batchTokens = batchTokens;
    }

    public Embeddings(GptNeoX network) {
        this(network, 1024);
    }

    /** Vector length: the model's hidden size. */
    public int dimensions() {
        return network.config().hiddenSize();
    }

    /** The hidden-state index (0..L) that {@code layer} names; an error when out of range. */
    public int resolveLayer(int layer) {
        int layers = network.config().numLayers();
        int index = layer < 0 ? layers + 1 + layer : layer;
        if (index < 0 || index > layers) {
            throw new Neox4jException("layer " + layer + " does not exist: this model has hidden states 0.." + layers
                    + " (0 = embeddings, " + layers + " = after the final LayerNorm; -1 = the last)");
        }
        return index;
    }

    public float[] embed(int[] tokens, int layer, Pooling pooling) {
        return embed(List.of(tokens), layer, pooling).getFirst();
    }

    /** One vector per text, in order. */
    public List<float[]> embed(List<int[]> texts, int layer, Pooling pooling) {
        int index = resolveLayer(layer);
        Config config = network.config();
        for (int i = 0; i < texts.size(); i++) {
            int n = texts.get(i).length;
            if (n == 0) {
                throw new Neox4jException("text " + (i + 1) + " has no tokens; there is nothing to embed");
            }
            if (n > config.maxPositions()) {
                throw new Neox4jException("text " + (i + 1) + " has " + n + " tokens, more than the model's context of "
                        + config.maxPositions() + " tokens");
            }
        }
        List<float[]> out = new ArrayList<>(texts.size());
        int from = 0;
        while (from < texts.size()) {
            int to = from + 1;
            int tokens = texts.get(from).length;
            while (to < texts.size() && tokens + texts.get(to).length <= batchTokens) {
                tokens += texts.get(to++).length;
            }
            out.addAll(run(texts.subList(from, to), index, pooling));
            from = to;
        }
        return out;
    }

    private List<float[]> run(List<int[]> batch, int index, Pooling pooling) {
        List<GptNeoX.Chunk> chunks = new ArrayList<>(batch.size());
        for (int[] t : batch) {
            chunks.add(new GptNeoX.Chunk(network.newCache(t.length), t));
        }
        ForwardResult r = network.forward(chunks, new ForwardOptions(ForwardOptions.Logits.NONE, false, null).withHiddenStates());
        float[] hidden = r.hiddenStates()[index];
        int h = dimensions();
        List<float[]> out = new ArrayList<>(batch.size());
        int row = 0;
        for (int[] t : batch) {
            out.add(pool(hidden, row, t.length, h, pooling));
            row += t.length;
        }
        return out;
    }

    /** Pools rows {@code [first, first + n)} of a {@code [tokens × h]} matrix; the mean is summed in double. */
    static float[] pool(float[] hidden, int first, int n, int h, Pooling pooling) {
        float[] v = new float[h];
        if (pooling == Pooling.LAST) {
            System.arraycopy(hidden, (first + n - 1) * h, v, 0, h);
            return v;
        }
        double[] sum = new double[h];
        for (int r = first; r < first + n; r++) {
            for (int j = 0; j < h; j++) {
                sum[j] += hidden[r * h + j];
            }
        }
        for (int j = 0; j < h; j++) {
            v[j] = (float) (sum[j] / n);
        }
        return v;
    }
}
