package org.neox4j.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;

/**
 * Log-likelihood of continuations given contexts, as lm-evaluation-harness's
 * {@code HFLM._loglikelihood_tokens} computes it for a causal model:
 *
 * <pre>
 *   input  = (context + continuation)[-(maxLength + 1):][:-1]     (left-truncated, last token dropped)
 *   logits = model(input); the last |continuation| rows score the continuation's tokens
 *   answer = (Σ log_softmax(row)[token], every token == argmax(row))
 * </pre>
 *
 * Several requests share one forward pass (each its own sequence, no padding) while their inputs
 * total at most {@link ScoreOptions#batchTokens()}. Log-softmax is computed in double precision.
 *
 * <p>Not thread-safe: the model runs one forward pass at a time.
 */
public final class Scorer {
    private final ForwardPass network;
    private final ScoreOptions options;
    private final int maxLength;

    public Scorer(ForwardPass network, ScoreOptions options) {
        this.network = network;
        this.options = options;
        this.maxLength = options.maxLength() == 0 ? network.config().maxPositions() : options.maxLength();
    }

    /** The longest input the model reads; longer requests lose context tokens from the left. */
    public int maxLength() {
        return maxLength;
    }

    public ScoreOptions options() {
        return options;
    }

    public Score score(ScoreRequest request) {
        return score(List.of(request), ProgressListener.NONE).getFirst();
    }

    /** Scores {@code requests}, in order; {@code progress} counts requests. */
    public List<Score> score(List<ScoreRequest> requests, ProgressListener progress) {
        List<Prepared> prepared = new ArrayList<>(requests.size());
        for (ScoreRequest r : requests) {
            prepared.add(prepare(r));
        }
        List<Score> scores = new ArrayList<>(requests.size());
        progress.start("scoring", requests.size());
        int from = 0;
        while (from < prepared.size()) {
            int to = from + 1;
            int tokens = prepared.get(from).input.length;
            while (to < prepared.size() && tokens + prepared.get(to).input.length <= options.batchTokens()) {
                tokens += prepared.get(to++).input.length;
            }
            scores.addAll(run(prepared.subList(from, to)));
            progress.advance(to - from);
            from = to;
        }
        progress.finish();
        return scores;
    }

    /** A request with the exact input the model reads. */
    private record Prepared(ScoreRequest request, int[] input, int truncated) {
    }

    private Prepared prepare(ScoreRequest r) {
        int n = r.continuation().length;
        if (n > maxLength) {
            throw new Neox4jException("the continuation has " + n + " tokens, more than the model reads at once ("
                    + maxLength + " tokens); score it in parts or raise the maximum length");
        }
        int[] all = r.tokens();
        int vocab = network.config().vocabSize();
        for (int t : all) {
            if (t < 0 || t >= vocab) {
                throw new Neox4jException("token id " + t + " is outside the model's vocabulary [0, " + vocab + ")");
            }
        }
        int keep = Math.min(all.length, maxLength + 1);
        int[] input = Arrays.copyOfRange(all, all.length - keep, all.length - 1);
        return new Prepared(r, input, all.length - keep);
    }

    private List<Score> run(List<Prepared> batch) {
        List<GptNeoX.Chunk> chunks = new ArrayList<>(batch.size());
        for (Prepared p : batch) {
            chunks.add(new GptNeoX.Chunk(network.newCache(p.input.length), p.input));
        }
        ForwardResult result;
        try {
            result = network.forward(chunks, ForwardOptions.ALL_LOGITS);
        } finally {
            for (GptNeoX.Chunk c : chunks) {
                network.release(c.cache());
            }
        }
        List<Score> scores = new ArrayList<>(batch.size());
        int rowStart = 0;
        for (Prepared p : batch) {
            int[] continuation = p.request.continuation();
            int firstRow = rowStart + p.input.length - continuation.length;
            List<TokenScore> tokens = new ArrayList<>(continuation.length);
            for (int i = 0; i < continuation.length; i++) {
                tokens.add(scoreToken(result, firstRow + i, continuation[i]));
            }
            scores.add(new Score(p.request, tokens, p.truncated));
            rowStart += p.input.length;
        }
        return scores;
    }

    private TokenScore scoreToken(ForwardResult result, int row, int token) {
        int v = result.vocabSize();
        float[] logits = result.logits();
        int off = row * v;
        double lse = LogSoftmax.logSumExp(logits, off, v);
        List<TokenScore.Alternative> top = new ArrayList<>(options.topK());
        for (int id : LogSoftmax.topK(logits, off, v, options.topK())) {
            top.add(new TokenScore.Alternative(id, logits[off + id] - lse));
        }
        boolean greedy = LogSoftmax.argmax(logits, off, v) == token;
        return new TokenScore(token, logits[off + token] - lse, greedy, top);
    }
}
