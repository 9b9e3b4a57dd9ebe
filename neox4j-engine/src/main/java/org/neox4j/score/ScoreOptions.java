package org.neox4j.score;

/**
 * How a {@link Scorer} works.
 *
 * @param topK alternatives to report per continuation token (0: none)
 * @param maxLength longest input the model reads (the harness's {@code max_length}); longer
 *     requests lose context tokens from the left. 0: the model's {@code max_position_embeddings}
 * @param batchTokens requests are grouped into one forward pass while their inputs total at most
 *     this many tokens (a longer request runs alone); bounds the memory of one pass
 */
public record ScoreOptions(int topK, int maxLength, int batchTokens) {
    public static final int MAX_TOP_K = 1000;

    public ScoreOptions {
        if (topK < 0 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException("top-k must be in 0.." + MAX_TOP_K + ", got " + topK);
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("max length must be positive (or 0 for the model's context), got " + maxLength);
        }
        if (batchTokens < 1) {
            throw new IllegalArgumentException("batch tokens must be at least 1, got " + batchTokens);
        }
    }

    /** No alternatives, the model's context, batches of up to 1024 tokens. */
    public static ScoreOptions defaults() {
        return new ScoreOptions(0, 0, 1024);
    }

    public ScoreOptions withTopK(int k) {
        return new ScoreOptions(k, maxLength, batchTokens);
    }

    public ScoreOptions withMaxLength(int n) {
        return new ScoreOptions(topK, n, batchTokens);
    }

    public ScoreOptions withBatchTokens(int n) {
        return new ScoreOptions(topK, maxLength, n);
    }
}
