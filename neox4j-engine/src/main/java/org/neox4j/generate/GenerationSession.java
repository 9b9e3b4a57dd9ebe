package org.neox4j.generate;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.KvCache;
import org.neox4j.tokenizer.StreamingDecoder;
import org.neox4j.tokenizer.Tokenizer;

/**
 * One generation, advanced a token at a time: an iterator of {@link GeneratedToken}s. The prompt
 * is processed as one batch on the first {@link #next()}; each later call feeds the previous
 * token through the model (reusing the KV cache) and samples the next. Closing it releases the
 * sequence's state in the forward pass (for a pipeline, its KV caches on the workers).
 */
public final class GenerationSession implements Iterator<GeneratedToken>, AutoCloseable {
    private final ForwardPass network;
    private final KvCache cache;
    private final SamplingParams params;
    private final Sampler sampler;
    private final Set<Integer> eos;
    private final StreamingDecoder decoder;
    private final StopStrings stops;
    private final int[] prompt;
    private final boolean[] seen;
    private final StringBuilder text;

    private int[] generated = new int[16];
    private int count;
    private FinishReason finish;
    private long prefillNanos;
    private long decodeNanos;

    GenerationSession(ForwardPass network, Tokenizer tokenizer, int[] prompt, SamplingParams params, int context, Set<Integer> eos) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens (give text or at least one token id)");
        }
        this.network = network;
        this.params = params;
        this.prompt = prompt.clone();
        this.sampler = new Sampler(params);
        this.eos = params.ignoreEos() ? Set.of() : eos;
        this.decoder = tokenizer == null ? null : tokenizer.streamingDecoder(true);
        this.stops = new StopStrings(params.stopStrings());
        this.text = tokenizer == null ? null : new StringBuilder();
        this.seen = params.repetitionPenalty() != 1.0 ? new boolean[network.config().vocabSize()] : null;
        this.cache = network.newCache(context);
        if (prompt.length > context) {
            throw new org.neox4j.model.ContextOverflowException(0, prompt.length, context);
        }
        for (int t : prompt) {
            if (t < 0 || t >= network.config().vocabSize()) {
                throw new IllegalArgumentException("prompt token id " + t + " is outside the model's vocabulary [0, "
                        + network.config().vocabSize() + ")");
            }
            markSeen(t);
        }
        if (params.maxNewTokens() == 0) {
            finish = FinishReason.LENGTH;
        }
    }

    @Override
    public boolean hasNext() {
        return finish == null;
    }

    @Override
    public GeneratedToken next() {
        if (finish != null) {
            throw new NoSuchElementException("generation has finished (" + finish.apiName() + ")");
        }
        long start = System.nanoTime();
        float[] logits = count == 0 ? network.forward(cache, prompt) : network.forward(cache, new int[] {generated[count - 1]});
        int id = sampler.sample(logits, seen);
        if (count == 0) {
            prefillNanos = System.nanoTime() - start;
        } else {
            decodeNanos += System.nanoTime() - start;
        }
        append(id);
        String chunk = null;
        if (eos.contains(id)) {
            finish = FinishReason.STOP;
            chunk = decoder == null ? null : release(decoder.finish(), true);
        } else {
            if (decoder != null) {
                chunk = release(decoder.push(id), false);
                if (stops.stopped()) {
                    finish = FinishReason.STOP;
                }
            }
            if (finish == null && (count >= params.maxNewTokens() || cache.length() + 1 > cache.capacity())) {
                finish = FinishReason.LENGTH;
                if (decoder != null) {
                    chunk = chunk + release(decoder.finish(), true);
                }
            }
        }
        return new GeneratedToken(id, chunk);
    }

    private String release(String decoded, boolean end) {
        String out = stops.push(decoded);
        if (end) {
            out += stops.flush();
        }
        text.append(out);
        return out;
    }

    private void append(int id) {
        if (count == generated.length) {
            generated = Arrays.copyOf(generated, count * 2);
        }
        generated[count++] = id;
        markSeen(id);
    }

    private void markSeen(int id) {
        if (seen != null) {
            seen[id] = true;
        }
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
        return new GenerationResult(Arrays.copyOf(generated, count), text == null ? null : text.toString(),
                finish, prompt.length, prefillNanos, decodeNanos);
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
