package org.neox4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Comparisons of float arrays by maximum absolute difference, with a message that locates the worst element. */
public final class Approx {
    private Approx() {
    }

    public static double maxAbsDiff(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "array lengths");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    /** Asserts max |expected - actual| ≤ tolerance; returns the difference found. */
    public static double assertClose(float[] expected, float[] actual, double tolerance, String what) {
        double max = maxAbsDiff(expected, actual);
        if (!(max <= tolerance)) {
            int worst = 0;
            for (int i = 0; i < expected.length; i++) {
                if (!(Math.abs(expected[i] - actual[i]) <= Math.abs(expected[worst] - actual[worst]))) {
                    worst = i;
                }
            }
            fail(what + ": max |Δ| " + max + " > " + tolerance + " (worst at index " + worst + ": expected "
                    + expected[worst] + ", got " + actual[worst] + ")");
        }
        // The achieved distance, for the record in the test log (docs quote these numbers).
        System.out.printf("golden %-45s max |Δ| %.2e (tolerance %.0e)%n", what, max, tolerance);
        return max;
    }

    public static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
