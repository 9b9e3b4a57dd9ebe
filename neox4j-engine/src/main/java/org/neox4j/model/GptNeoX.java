package org.neox4j.model;

import java.util.List;
import org.neox4j.Neox4jException;
import org.neox4j.tensor.MatMul;
import org.neox4j.tensor.Norms;
import org.neox4j.tensor.Rotary;
import org.neox4j.tensor.WorkerPool;

/**
 * The GPT-NeoX forward pass (Hugging Face's GPTNeoXForCausalLM), in float32 over weights of any
 * storage dtype. One call runs a batch of chunks — new tokens of one or more sequences, each
 * appended to its own KV cache — so prefill (one chunk of many tokens), batched decode (many
 * chunks of one token) and mixes of both share one read of the weights.
 *
 * <p>The pass is three steps, public so that a pipeline can run them on different machines:
 * {@link #embed}, {@link #runLayers} over a range of layers, and {@link #head}. A model loaded
 * with a {@link ModelPart} holds only its share of the weights and runs only the steps it holds.
 *
 * <p>Synchronized: one step at a time per instance (it reuses its buffers).
 */
public final class GptNeoX implements ForwardPass {

    /**
     * New rows of one sequence, appended to its cache at positions {@code cache.length()...}: tokens
     * to embed, or ({@code tokens} null) {@code rows} hidden states that arrive already computed, as a
     * pipeline stage past the first receives them.
     */
    public record Chunk(KvCache cache, int[] tokens, int rows) {
        public Chunk {
            if (tokens != null && tokens.length != rows) {
                throw new IllegalArgumentException("a chunk of " + tokens.length + " tokens cannot have " + rows + " rows");
            }
        }

        public Chunk(KvCache cache, int[] tokens) {
            this(cache, tokens, tokens.length);
        }

        /** {@code rows} rows whose hidden states are given rather than embedded from tokens. */
        public static Chunk ofHidden(KvCache cache, int rows) {
            return new Chunk(cache, null, rows);
        }
    }

    private final Config config;
    private final ModelWeights weights;
    private final WorkerPool pool;
    private final Rotary rotary;
    private final Workspace ws;
    private final LayerResidency residency;
    private final AttentionTask attention;
    private final ActivationTask activation;

    public GptNeoX(Config config, ModelWeights weights, WorkerPool pool) {
        this(config, weights, pool, LayerResidency.NONE);
    }

    /** A forward pass that tells {@code residency} before and after each layer (and the head) which weights it uses. */
    public GptNeoX(Config config, ModelWeights weights, WorkerPool pool, LayerResidency residency) {
        this.config = config;
        this.weights = weights;
        this.pool = pool;
        this.residency = residency;
        this.rotary = new Rotary(config.rotaryDims(), config.rotaryBase(), config.ropeScaling().factor());
        this.ws = new Workspace(config);
        this.attention = new AttentionTask(config, weights.qkvLayout(), ws);
        this.activation = new ActivationTask(config.activation());
    }

    public Config config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public WorkerPool pool() {
        return pool;
    }

    /** A new, empty KV cache holding up to {@code capacity} positions of the layers this model holds. */
    @Override
    public KvCache newCache(int capacity) {
        return new KvCache(config, capacity, weights.firstLayer(), weights.endLayer());
    }

    /** Runs {@code tokens} of one sequence and returns the logits of its last position. */
    @Override
    public float[] forward(KvCache cache, int[] tokens) {
        float[] logits = new float[config.vocabSize()];
        forwardLast(cache, tokens, logits);
        return logits;
    }

    /**
     * Runs {@code tokens} of one sequence and writes the logits of its last position into
     * {@code logits} (vocabSize values). The decode loop's entry point: with a reused buffer and
     * token array, a steady-state step allocates nothing.
     */
    public synchronized void forwardLast(KvCache cache, int[] tokens, float[] logits) {
        if (logits.length < config.vocabSize()) {
            throw new IllegalArgumentException("logits buffer has " + logits.length + " values, needs " + config.vocabSize());
        }
        Chunk last = ws.single.get(0);
        if (last == null || last.cache() != cache || last.tokens() != tokens) {
            ws.single.set(0, new Chunk(cache, tokens)); // a decode loop that reuses its token array allocates this once
        }
        run(ws.single, ForwardOptions.LAST_LOGITS, logits);
    }

    @Override
    public synchronized ForwardResult forward(List<Chunk> chunks, ForwardOptions options) {
        return run(chunks, options, null);
    }

    /** The forward pass; logits go to {@code into} when given (LAST logits of one chunk), else to a new array. */
    private ForwardResult run(List<Chunk> chunks, ForwardOptions options, float[] into) {
        requireEnds("a forward pass");
        if (weights.firstLayer() != 0 || weights.endLayer() != config.numLayers()) {
            throw new Neox4jException("this model holds layers " + weights.firstLayer() + "-" + weights.endLayer() + " of "
                    + config.numLayers() + " only; a forward pass needs all of them (run the others in a pipeline)");
        }
        int n = validate(chunks);
        int h = config.hiddenSize();
        int layers = config.numLayers();
        ws.ensure(n);
        float[][] hidden = options.hiddenStates() ? new float[layers + 1][] : null;
        ForwardProbe probe = options.probe();

        // x = embed_in[tokens]: no scaling, no learned positions
        float[] x = ws.x;
        embedRows(chunks, x);
        if (hidden != null) {
            hidden[0] = java.util.Arrays.copyOf(x, n * h);
        }
        // the transformer layers, each appending to the caches
        layers(0, layers, chunks, n, x, hidden, probe);
        observe(probe, "final_ln_in", layers, x, n, h);
        advance(chunks);
        // final LayerNorm and the head
        return head(chunks, options.logits(), x, n, hidden, into);
    }

    /** Step 1: {@code x = embed_in[tokens]} for the chunks' tokens, row after row ({@code rows × hidden} values). */
    public synchronized void embed(List<Chunk> chunks, float[] x) {
        requireEnds("embedding tokens");
        int n = validate(chunks);
        requireRows(x, n);
        embedRows(chunks, x);
    }

    /**
     * Step 2: runs layers {@code [from, to)} over the hidden states {@code x} ({@code rows × hidden},
     * updated in place), appending the chunks' keys and values to their caches, then advances the
     * caches by the chunks' rows. With {@code from == to} it only advances them.
     */
    public synchronized void runLayers(int from, int to, List<Chunk> chunks, float[] x) {
        if (from > to || (from < to && (from < weights.firstLayer() || to > weights.endLayer()))) {
            throw new Neox4jException("layers " + from + "-" + to + " were asked for, but this model holds layers "
                    + weights.firstLayer() + "-" + weights.endLayer());
        }
        int n = validate(chunks);
        requireRows(x, n);
        ws.ensure(n);
        layers(from, to, chunks, n, x, null, null);
        advance(chunks);
    }

    /**
     * Step 3: the final LayerNorm and the head over the hidden states {@code x} of the chunks' rows
     * (the output of the last layer): logits of each chunk's last row, or of every row.
     */
    public synchronized ForwardResult head(List<Chunk> chunks, ForwardOptions.Logits which, float[] x) {
        requireEnds("the head");
        int n = 0;
        for (Chunk c : chunks) {
            n = Math.addExact(n, c.rows());
        }
        requireRows(x, n);
        ws.ensure(n);
        return head(chunks, which, x, n, null, null);
    }

    /** x = embed_in[tokens], row after row. */
    private void embedRows(List<Chunk> chunks, float[] x) {
        int h = config.hiddenSize();
        int row = 0;
        for (int ci = 0; ci < chunks.size(); ci++) { // indexed loops here and below: no iterator per decode step
            int[] tokens = chunks.get(ci).tokens();
            if (tokens == null) {
                throw new IllegalArgumentException("a chunk of hidden states has no tokens to embed");
            }
            for (int i = 0; i < tokens.length; i++) {
                weights.embedIn().toFloats((long) tokens[i] * h, x, row++ * h, h);
            }
        }
    }

    /** Layers [from, to) over the n rows of x; each appends its keys and values to the caches. */
    private void layers(int from, int to, List<Chunk> chunks, int n, float[] x, float[][] hidden, ForwardProbe probe) {
        int h = config.hiddenSize();
        int row = 0;
        for (int ci = 0; ci < chunks.size(); ci++) {
            Chunk c = chunks.get(ci);
            for (int i = 0; i < c.rows(); i++, row++) {
                ws.positions[row] = c.cache().length() + i;
                ws.chunkOfRow[row] = ci;
            }
        }
        rotary.ensure(maxPosition(chunks) + 1);
        for (int l = from; l < to; l++) {
            // this layer's weights in memory (streamed ones are read ahead of time)
            residency.enter(l);
            LayerWeights lw = weights.layer(l);
            // attention input LayerNorm
            layerNorm(x, n, lw.inputNormWeight(), lw.inputNormBias(), ws.normed);
            observe(probe, "ln1_out", l, ws.normed, n, h);
            // fused QKV projection
            MatMul.linear(lw.qkv(), lw.qkvBias(), ws.normed, n, ws.qkv, pool);
            observe(probe, "qkv_out", l, ws.qkv, n, 3 * h);
            // rotary on q and k; append k, v to each sequence's cache
            rotateAndCache(chunks, l, n);
            // causal attention per sequence and head
            attend(chunks, l, n, probe);
            // attention output projection
            MatMul.linear(lw.attnOut(), lw.attnOutBias(), ws.context, n, ws.attnOut, pool);
            observe(probe, "attn_out", l, ws.attnOut, n, h);
            if (config.parallelResidual()) {
                // x = x + attn(ln1(x)) + mlp(ln2(x))
                mlp(lw, x, n, l, probe);
                addParallelResidual(ws.mlpOut, ws.attnOut, x, n * h);
            } else {
                // x = x + attn(ln1(x)); x = x + mlp(ln2(x))
                addInto(ws.attnOut, x, x, n * h);
                mlp(lw, x, n, l, probe);
                addInto(ws.mlpOut, x, x, n * h);
            }
            if (hidden != null && l < config.numLayers() - 1) {
                hidden[l + 1] = java.util.Arrays.copyOf(x, n * h);
            }
            residency.leave(l);
        }
    }

    private static void advance(List<Chunk> chunks) {
        for (int ci = 0; ci < chunks.size(); ci++) {
            chunks.get(ci).cache().advance(chunks.get(ci).rows());
        }
    }

    private void requireEnds(String what) {
        if (!weights.hasEnds()) {
            throw new Neox4jException(what + " needs the embeddings and the head, but this model holds layers "
                    + weights.firstLayer() + "-" + weights.endLayer() + " only (a pipeline stage's share)");
        }
    }

    private void requireRows(float[] x, int n) {
        if (x.length < (long) n * config.hiddenSize()) {
            throw new IllegalArgumentException("hidden states of " + x.length + " values cannot hold " + n + " rows of "
                    + config.hiddenSize());
        }
    }

    /** Final LayerNorm and the untied head, on the rows whose logits are wanted. */
    private ForwardResult head(List<Chunk> chunks, ForwardOptions.Logits which, float[] x, int n, float[][] hidden, float[] into) {
        int h = config.hiddenSize();
        int v = config.vocabSize();
        if (hidden != null) {
            float[] all = new float[n * h];
            layerNorm(x, n, weights.finalNormWeight(), weights.finalNormBias(), all);
            hidden[config.numLayers()] = all;
        }
        int rows = switch (which) {
            case NONE -> 0;
            case LAST -> chunks.size();
            case ALL -> n;
        };
        if (rows == 0) {
            return new ForwardResult(new float[0], 0, v, hidden);
        }
        if (into != null && rows != 1) {
            throw new IllegalStateException("a logits buffer serves one row");
        }
        float[] selected = ws.normed;
        if (which == ForwardOptions.Logits.LAST) {
            int end = 0;
            for (int r = 0; r < rows; r++) {
                end += chunks.get(r).rows();
                System.arraycopy(x, (end - 1) * h, selected, r * h, h);
            }
            Norms.layerNorm(selected, 0, h, weights.finalNormWeight(), weights.finalNormBias(), (float) config.layerNormEps(), selected, 0);
            for (int i = 1; i < rows; i++) {
                Norms.layerNorm(selected, i * h, h, weights.finalNormWeight(), weights.finalNormBias(), (float) config.layerNormEps(), selected, i * h);
            }
        } else {
            layerNorm(x, n, weights.finalNormWeight(), weights.finalNormBias(), selected);
        }
        float[] logits = into != null ? into : new float[Math.multiplyExact(rows, v)];
        // the head is the stage after the last layer
        residency.enter(config.numLayers());
        MatMul.linear(weights.embedOut(), null, selected, rows, logits, pool);
        residency.leave(config.numLayers());
        return into != null ? null : new ForwardResult(logits, rows, v, hidden);
    }

    private void mlp(LayerWeights lw, float[] x, int n, int l, ForwardProbe probe) {
        int h = config.hiddenSize();
        int inter = config.intermediateSize();
        // MLP input LayerNorm
        layerNorm(x, n, lw.postAttnNormWeight(), lw.postAttnNormBias(), ws.normed);
        observe(probe, "ln2_out", l, ws.normed, n, h);
        // up-projection, activation, down-projection
        MatMul.linear(lw.mlpUp(), lw.mlpUpBias(), ws.normed, n, ws.up, pool);
        observe(probe, "mlp_h4h_out", l, ws.up, n, inter);
        activate(ws.up, n * inter);
        MatMul.linear(lw.mlpDown(), lw.mlpDownBias(), ws.up, n, ws.mlpOut, pool);
        observe(probe, "mlp_out", l, ws.mlpOut, n, h);
    }

    private void rotateAndCache(List<Chunk> chunks, int layer, int n) {
        int h = config.hiddenSize();
        int heads = config.numHeads();
        int hd = config.headSize();
        QkvLayout layout = weights.qkvLayout();
        int row = 0;
        for (int ci = 0; ci < chunks.size(); ci++) {
            Chunk c = chunks.get(ci);
            float[] keys = c.cache().keys(layer);
            float[] values = c.cache().values(layer);
            for (int i = 0; i < c.rows(); i++, row++) {
                int pos = ws.positions[row];
                int base = row * 3 * h;
                for (int head = 0; head < heads; head++) {
                    int q = base + layout.offset(0, head, heads, hd);
                    int k = base + layout.offset(1, head, heads, hd);
                    int v = base + layout.offset(2, head, heads, hd);
                    rotary.apply(ws.qkv, q, pos);
                    rotary.apply(ws.qkv, k, pos);
                    System.arraycopy(ws.qkv, k, keys, pos * h + head * hd, hd);
                    System.arraycopy(ws.qkv, v, values, pos * h + head * hd, hd);
                }
            }
        }
    }

    private void attend(List<Chunk> chunks, int layer, int n, ForwardProbe probe) {
        int heads = config.numHeads();
        boolean recordProbs = probe != null && chunks.size() == 1;
        float[] probs = recordProbs ? new float[heads * n * n] : null;
        attention.prepare(chunks, layer, n, maxPosition(chunks) + 1, probs);
        try {
            pool.parallelFor(n * heads, attention);
        } finally {
            attention.clear();
        }
        if (recordProbs) {
            probe.record("attn_probs", layer, probs, heads * n, n);
        }
    }

    private void layerNorm(float[] in, int n, float[] w, float[] b, float[] out) {
        Norms.layerNormRows(in, n, config.hiddenSize(), w, b, (float) config.layerNormEps(), out, pool);
    }

    private void activate(float[] v, int count) {
        activation.values = v;
        try {
            pool.parallelFor(count, ActivationTask.GRAIN, activation);
        } finally {
            activation.values = null;
        }
    }

    /** out = a + b elementwise (in HF's order of operands, so rounding matches). */
    private static void addInto(float[] a, float[] b, float[] out, int count) {
        for (int i = 0; i < count; i++) {
            out[i] = a[i] + b[i];
        }
    }

    /** x = (mlp + attn) + x, in HF's order of operands. */
    private static void addParallelResidual(float[] mlp, float[] attn, float[] x, int count) {
        for (int i = 0; i < count; i++) {
            x[i] = (mlp[i] + attn[i]) + x[i];
        }
    }

    private static void observe(ForwardProbe probe, String name, int layer, float[] data, int rows, int width) {
        if (probe != null) {
            probe.record(name, layer, data, rows, width);
        }
    }

    private int validate(List<Chunk> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("forward pass needs at least one chunk");
        }
        long n = 0;
        for (int ci = 0; ci < chunks.size(); ci++) {
            Chunk c = chunks.get(ci);
            for (int cj = 0; cj < ci; cj++) {
                if (chunks.get(cj).cache() == c.cache()) {
                    throw new IllegalArgumentException("two chunks of one forward pass share a KV cache");
                }
            }
            if (c.rows() == 0) {
                throw new IllegalArgumentException("a chunk has no tokens");
            }
            if (c.tokens() != null) {
                for (int i = 0; i < c.tokens().length; i++) {
                    int t = c.tokens()[i];
                    if (t < 0 || t >= config.vocabSize()) {
                        throw new Neox4jException("token id " + t + " is outside the model's vocabulary [0, " + config.vocabSize() + ")");
                    }
                }
            }
            c.cache().checkRoom(c.rows());
            n += c.rows();
        }
        return Math.toIntExact(n);
    }

    private static int maxPosition(List<Chunk> chunks) {
        int max = 0;
        for (int ci = 0; ci < chunks.size(); ci++) {
            Chunk c = chunks.get(ci);
            max = Math.max(max, c.cache().length() + c.rows() - 1);
        }
        return max;
    }
}
