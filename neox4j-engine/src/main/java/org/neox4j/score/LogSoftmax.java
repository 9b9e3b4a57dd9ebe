package org.neox4j.score;

/**
 * Log-probabilities from one row of logits, computed in double precision:
 * {@code log_softmax(x)_i = x_i - logsumexp(x)} with {@code logsumexp(x) = m + log Σ exp(x_j - m)},
 * {@code m = max x}, so that no exponential overflows and the largest term is exactly 1.
 */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /** {@code log Σ exp(row[off + j])} over {@code j ∈ [0, n)}. */
    public static double logSumExp(float[] row, int off, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("logsumexp of an empty row");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, row[off + j]);
        }
        if (Double.isInfinite(max)) {
            return max;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(row[off + j] - max);
        }
        return max + Math.log(sum);
    }

    /** Index (relative to {@code off}) of the largest value; the first one on ties, like {@code torch.argmax}. */
    public static int argmax(float[] row, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (row[off + j] > row[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Indices (relative to {@code off}) of the {@code k} largest values, largest first; among equal
     * values the lower index comes first. Returns fewer when {@code n < k}.
     */
    public static int[] topK(float[] row, int off, int n, int k) {
        int size = Math.min(k, n);
        int[] top = new int[size];
        int filled = 0;
        for (int j = 0; j < n; j++) {
            float v = row[off + j];
            if (filled == size && (size == 0 || v <= row[off + top[size - 1]])) {
                continue;
            }
            // insertion into the sorted prefix; equal values keep their (lower-index-first) order
            int i = filled < size ? filled++ : size - 1;
            while (i > 0 && row[off + top[i - 1]] < v) {
                top[i] = top[i - 1];
                i--;
            }
            top[i] = j;
        }
        return top;
    }
}
