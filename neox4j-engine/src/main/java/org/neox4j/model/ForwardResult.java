package org.neox4j.model;

/**
 * Output of one forward pass over a batch of sequence chunks.
 *
 * @param logits {@code logitRows × vocab} values: per chunk in order, its last row
 *     ({@link ForwardOptions.Logits#LAST}) or all its rows ({@link ForwardOptions.Logits#ALL})
 * @param hiddenStates null, or {@code [layers + 1][tokens × hidden]} in HF's convention: index 0 the
 *     embeddings, index k the residual stream after layer k-1, the last after the final LayerNorm
 */
public record ForwardResult(float[] logits, int logitRows, int vocabSize, float[][] hiddenStates) {

    /** Logits of row {@code row} as a new array. */
    public float[] logitsRow(int row) {
        return java.util.Arrays.copyOfRange(logits, row * vocabSize, (row + 1) * vocabSize);
    }
}
