package org.neox4j.model;

import java.util.List;

/**
 * The forward pass as generation, scoring and serving call it: token chunks in, logits out, KV
 * caches appended. {@link GptNeoX} runs it in this process; a pipeline (module
 * {@code neox4j-cluster}) runs the layers on other machines and keeps the embeddings, the final
 * LayerNorm and the head here. Callers cannot tell the two apart, except that a pipeline keeps
 * state for each sequence that {@link #release} frees.
 */
public interface ForwardPass {

    Config config();

    /** A new, empty KV cache for one sequence, holding up to {@code capacity} positions. */
    KvCache newCache(int capacity);

    /** Runs a batch of chunks (see {@link GptNeoX.Chunk}), appending to their caches. */
    ForwardResult forward(List<GptNeoX.Chunk> chunks, ForwardOptions options);

    /** Runs {@code tokens} of one sequence and returns the logits of its last position. */
    default float[] forward(KvCache cache, int[] tokens) {
        return forward(List.of(new GptNeoX.Chunk(cache, tokens)), ForwardOptions.LAST_LOGITS).logits();
    }

    /**
     * Like {@link #forward(KvCache, int[])}, writing the logits into {@code logits} (vocabSize
     * values): the decode loop's form, which {@link GptNeoX} runs without allocating.
     */
    default void forwardLast(KvCache cache, int[] tokens, float[] logits) {
        float[] out = forward(cache, tokens);
        System.arraycopy(out, 0, logits, 0, out.length);
    }

    /**
     * The sequence of {@code cache} is done: frees what the forward pass keeps for it elsewhere (a
     * pipeline's workers drop their part of its KV cache). The cache must not be used afterwards.
     * Nothing to do for a local forward pass.
     */
    default void release(KvCache cache) {
    }
}
