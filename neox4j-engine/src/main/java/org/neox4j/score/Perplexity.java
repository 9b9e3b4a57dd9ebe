package org.neox4j.score;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.KvCache;
import org.neox4j.tokenizer.Tokenizer;

/**
 * Perplexity of a long text with a sliding window ({@link SlidingWindows}): each window is a fresh
 * forward pass at positions 0.., and each token is scored once, with the window's earlier tokens
 * as history. Log-softmax in double precision.
 */
public final class Perplexity {
    private final ForwardPass network;
    private final int context;
    private final int stride;
    private final boolean prependBos;

    public Perplexity(ForwardPass network, PerplexityOptions options) {
        this.network = network;
        this.context = options.context() == 0 ? network.config().maxPositions() : options.context();
        if (context < 2) {
            throw new Neox4jException("the perplexity window must hold at least 2 tokens, got " + context);
        }
        if (options.stride() > context) {
            throw new Neox4jException("the stride (" + options.stride() + ") must not exceed the window of " + context + " tokens");
        }
        this.stride = options.stride() == 0 ? Math.max(1, context / 4) : options.stride();
        this.prependBos = options.prependBos();
    }

    /** Tokenizes {@code text} and measures it; bits per byte use its UTF-8 length. */
    public PerplexityResult evaluate(Tokenizer tokenizer, String text, ProgressListener progress) {
        return evaluate(tokenizer.encode(text), text.getBytes(StandardCharsets.UTF_8).length, progress);
    }

    /**
     * Measures the text {@code tokens} of {@code bytes} UTF-8 bytes (0 if unknown); {@code progress}
     * counts scored tokens.
     */
    public PerplexityResult evaluate(int[] tokens, long bytes, ProgressListener progress) {
        int[] input = tokens;
        if (prependBos) {
            input = new int[tokens.length + 1];
            input[0] = network.config().bosTokenId();
            System.arraycopy(tokens, 0, input, 1, tokens.length);
        }
        if (input.length < 2) {
            throw new Neox4jException("the text has " + tokens.length + " token" + (tokens.length == 1 ? "" : "s")
                    + "; perplexity needs " + (prependBos ? "at least one" : "at least two (or one, with the BOS token prepended)"));
        }
        List<SlidingWindows.Window> windows = SlidingWindows.plan(input.length, context, stride);
        long started = System.nanoTime();
        KvCache cache = network.newCache(Math.min(context, input.length));
        int vocab = network.config().vocabSize();
        double nll = 0;
        int scored = 0;
        progress.start("perplexity", windows.stream().mapToLong(SlidingWindows.Window::targets).sum());
        try {
            for (SlidingWindows.Window w : windows) {
                cache.truncate(0);
                int[] slice = Arrays.copyOfRange(input, w.begin(), w.end());
                ForwardResult r = network.forward(List.of(new GptNeoX.Chunk(cache, slice)), ForwardOptions.ALL_LOGITS);
                float[] logits = r.logits();
                for (int t = w.firstTarget(); t < w.end(); t++) {
                    // the logits at window row (t - begin - 1) predict token t
                    int off = (t - w.begin() - 1) * vocab;
                    nll -= logits[off + input[t]] - LogSoftmax.logSumExp(logits, off, vocab);
                    scored++;
                }
                progress.advance(w.targets());
            }
        } finally {
            network.release(cache);
        }
        progress.finish();
        return new PerplexityResult(tokens.length, scored, nll, bytes, windows.size(), context, stride, System.nanoTime() - started);
    }
}
