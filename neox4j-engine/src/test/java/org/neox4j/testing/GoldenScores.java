package org.neox4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Log-probabilities taken straight from a golden model's {@code expected.safetensors}, in double
 * precision: the stored {@code log_softmax} where the golden set has it, otherwise a plain
 * log-softmax of the stored logits (max subtracted, sum of exponentials, log), otherwise
 * {@code logits_cols - logsumexp} for the sampled vocabulary columns. Independent of the code
 * under test.
 */
public final class GoldenScores {
    private final GoldenModel golden;
    private final int vocab;
    private final Map<String, float[]> tensors = new HashMap<>();

    public GoldenScores(GoldenModel golden) {
        this.golden = golden;
        this.vocab = golden.cases().get("config").get("vocab_size").asInt();
    }

    public GoldenModel golden() {
        return golden;
    }

    public int vocab() {
        return vocab;
    }

    public int[] inputIds(String caseName) {
        return GoldenModel.ints(golden.testCase(caseName).get("input_ids"));
    }

    /** Whether the full row at {@code position} of the case is stored (as log_softmax or logits). */
    public boolean hasRow(String caseName, int position) {
        return row(caseName, position) != null;
    }

    /** The full log-softmax row at {@code position}, or null when the golden set holds only part of it. */
    public double[] row(String caseName, int position) {
        if (golden.hasTensor(caseName + ".log_softmax")) {
            float[] lsm = tensor(caseName + ".log_softmax");
            double[] out = new double[vocab];
            for (int j = 0; j < vocab; j++) {
                out[j] = lsm[position * vocab + j];
            }
            return out;
        }
        if (golden.hasTensor(caseName + ".logits")) {
            return logSoftmax(tensor(caseName + ".logits"), position * vocab, vocab);
        }
        if (golden.hasTensor(caseName + ".logits_rows")) {
            int[] positions = GoldenModel.ints(golden.testCase(caseName).get("logits_rows_positions"));
            for (int i = 0; i < positions.length; i++) {
                if (positions[i] == position) {
                    return logSoftmax(tensor(caseName + ".logits_rows"), i * vocab, vocab);
                }
            }
        }
        return null;
    }

    /** log p(token | tokens before and at {@code position}), or NaN when the golden set does not hold it. */
    public double logprob(String caseName, int position, int token) {
        double[] row = row(caseName, position);
        if (row != null) {
            return row[token];
        }
        int[] cols = GoldenModel.ints(golden.cases().get("logits_cols_ids"));
        for (int j = 0; j < cols.length; j++) {
            if (cols[j] == token) {
                return (double) tensor(caseName + ".logits_cols")[position * cols.length + j]
                        - tensor(caseName + ".logsumexp")[position];
            }
        }
        return Double.NaN;
    }

    /** The reference argmax at each position (over the full vocabulary) and its top-1/top-2 margin. */
    public int argmax(String caseName, int position) {
        return golden.testCase(caseName).get("argmax").get(position).asInt();
    }

    public double margin(String caseName, int position) {
        JsonNode m = golden.testCase(caseName).get("top2_margin");
        return m.get(position).asDouble();
    }

    public float[] tensor(String name) {
        return tensors.computeIfAbsent(name, golden::tensor);
    }

    /** A textbook log-softmax in double: x - (m + log Σ exp(x - m)). */
    public static double[] logSoftmax(float[] logits, int off, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            m = Math.max(m, logits[off + j]);
        }
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.exp(logits[off + j] - m);
        }
        double lse = m + Math.log(s);
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            out[j] = logits[off + j] - lse;
        }
        return out;
    }
}
