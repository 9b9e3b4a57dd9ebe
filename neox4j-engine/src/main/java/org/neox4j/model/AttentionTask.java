package org.neox4j.model;

import java.util.List;
import org.neox4j.tensor.Attention;
import org.neox4j.tensor.WorkerPool;

/**
 * Causal attention of every (token, head) pair of a batch, as a reusable parallel task: one
 * object per forward pass instance, re-armed per layer, so decoding allocates nothing here.
 */
final class AttentionTask implements WorkerPool.RangeTask {
    private final Config config;
    private final QkvLayout layout;
    private final Workspace ws;
    private final float scale;
    private List<GptNeoX.Chunk> chunks;
    private int layer;
    private int n;
    private int longest;
    private float[] probs;

    AttentionTask(Config config, QkvLayout layout, Workspace ws) {
        this.config = config;
        this.layout = layout;
        this.ws = ws;
        this.scale = (float) Math.pow(config.headSize(), -0.5);
    }

    /** Arms the task for one layer; {@code probs} (or null) receives [head][row][key] probabilities of a single chunk. */
    void prepare(List<GptNeoX.Chunk> chunks, int layer, int n, int longest, float[] probs) {
        this.chunks = chunks;
        this.layer = layer;
        this.n = n;
        this.longest = longest;
        this.probs = probs;
    }

    void clear() {
        chunks = null;
        probs = null;
    }

    @Override
    public void run(int start, int end) {
        int h = config.hiddenSize();
        int heads = config.numHeads();
        int hd = config.headSize();
        float[] scores = ws.scores(longest);
        for (int task = start; task < end; task++) {
            int r = task / heads;
            int head = task % heads;
            KvCache cache = chunks.get(ws.chunkOfRow[r]).cache();
            int pos = ws.positions[r];
            Attention.head(ws.qkv, r * 3 * h + layout.offset(0, head, heads, hd), cache.keys(layer), cache.values(layer),
                    h, head * hd, pos + 1, hd, scale, scores, ws.context, r * h + head * hd);
            if (probs != null && pos == r) {
                System.arraycopy(scores, 0, probs, (head * n + r) * n, r + 1);
            }
        }
    }
}
