package org.neox4j.score.eval;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The harness's aggregations: the mean and its standard error (sample standard deviation / √n). */
final class Stats {
    private Stats() {
    }

    static <T> double mean(List<T> items, ToDoubleFunction<T> value) {
        double sum = 0;
        for (T t : items) {
            sum += value.applyAsDouble(t);
        }
        return sum / items.size();
    }

    /** NaN for fewer than two items. */
    static <T> double meanStderr(List<T> items, ToDoubleFunction<T> value) {
        int n = items.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mu = mean(items, value);
        double squares = 0;
        for (T t : items) {
            double d = value.applyAsDouble(t) - mu;
            squares += d * d;
        }
        return Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
    }

    /** Index of the largest value, the first on ties (like {@code numpy.argmax}). */
    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
