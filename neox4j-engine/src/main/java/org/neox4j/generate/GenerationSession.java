package org.neox4j.generate;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.KvCache;
import org.neox4j.tokenizer.Tokenizer;

/**
 * One generation, advanced a token at a time: an iterator of {@link GeneratedToken}s. The prompt
 * is processed as one batch on the first {@link #next()}; each later call feeds the previous
 * token through the model (reusing the KV cache) and samples the next. The per-sequence logic
 * (sampling, stops, streaming text) is a {@link SequenceState}, shared with the batch scheduler.
 * Closing it releases the sequence's state in the forward pass (for a pipeline, its KV caches on
 * the workers).
 */
public final class GenerationSession implements Iterator<GeneratedToken>, AutoCloseable {
    private final ForwardPass network;
    private final SequenceState state;
    private final KvCache cache;
    private final float[] logits;

    private long prefillNanos;
    private long decodeNanos;

    GenerationSession(ForwardPass network, Tokenizer tokenizer, int[] prompt, SamplingParams params, int context, Set<Integer> eos) {
        this.state = new SequenceState(tokenizer, prompt, params, eos, network.config().vocabSize(), context);
        this.network = network;
        this.logits = new float[network.config().vocabSize()];
        this.cache = network.newCache(context);
    }

    @Override
    public boolean hasNext() {
        return !state.finished();
    }

    @Override
    public GeneratedToken next() {
        if (state.finished()) {
            throw new NoSuchElementException("generation has finished (" + state.finishReason().apiName() + ")");
        }
        long start = System.nanoTime();
        boolean first = state.generatedCount() == 0;
        network.forwardLast(cache, state.nextInput(), logits); // one logits buffer for the whole session
        GeneratedToken token = state.accept(logits);
        if (first) {
            prefillNanos = System.nanoTime() - start;
        } else {
            decodeNanos += System.nanoTime() - start;
        }
        return token;
    }

    /** Runs to the end, passing each token to {@code listener}, and returns the result. */
    public GenerationResult drain(TokenListener listener) {
        while (hasNext()) {
            GeneratedToken t = next();
            if (listener != null) {
                listener.onToken(t);
            }
        }
        return result();
    }

    /** The result so far (complete once {@link #hasNext()} is false). */
    public GenerationResult result() {
        return state.result(prefillNanos, decodeNanos);
    }

    /** Releases the sequence in the forward pass; the session cannot go on afterwards. */
    @Override
    public void close() {
        network.release(cache);
    }

    /** Positions used in the KV cache (prompt and generated tokens that went through the model). */
    public int cachedTokens() {
        return cache.length();
    }
}
