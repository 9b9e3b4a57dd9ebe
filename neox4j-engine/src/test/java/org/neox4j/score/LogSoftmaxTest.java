package org.neox4j.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.neox4j.testing.GoldenModel;
import org.neox4j.testing.GoldenScores;

class LogSoftmaxTest {

    @Test
    void logSumExpOfSmallRowsIsTheTextbookValue() {
        float[] row = {9f, 1f, 2f, 3f, -4f};
        double expected = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(-4));
        assertEquals(expected, LogSoftmax.logSumExp(row, 1, 4), 1e-12);
    }

    @Test
    void largeLogitsDoNotOverflow() {
        // exp(1000) overflows a double; with the maximum subtracted the result is 1000 + log 2
        assertEquals(1000 + Math.log(2), LogSoftmax.logSumExp(new float[] {1000f, 1000f}, 0, 2), 1e-9);
        assertEquals(-1000 + Math.log(2), LogSoftmax.logSumExp(new float[] {-1000f, -1000f}, 0, 2), 1e-9);
    }

    @Test
    void argmaxAndTopKPreferTheLowerIndexOnTies() {
        float[] row = {0f, 5f, 3f, 5f, -1f, 3f};
        assertEquals(1, LogSoftmax.argmax(row, 0, row.length));
        assertArrayEquals(new int[] {1, 3, 2, 5}, LogSoftmax.topK(row, 0, row.length, 4));
        assertArrayEquals(new int[] {0, 2, 1}, LogSoftmax.topK(row, 3, 3, 10), "k larger than the row");
        assertArrayEquals(new int[0], LogSoftmax.topK(row, 0, row.length, 0));
    }

    /** Our logsumexp of the golden logits against PyTorch's logsumexp stored beside them, wherever a full row is stored. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-parallel", "tiny-sequential", "tiny-pythia"})
    void logSumExpMatchesTorchOnGoldenLogits(String modelName) {
        try (GoldenModel golden = GoldenModel.open(modelName)) {
            int v = new GoldenScores(golden).vocab();
            int rows = 0;
            for (String c : List.of("len1", "len7", "len33")) {
                float[] lse = golden.tensor(c + ".logsumexp");
                if (golden.hasTensor(c + ".logits")) {
                    float[] logits = golden.tensor(c + ".logits");
                    for (int p = 0; p < lse.length; p++, rows++) {
                        assertEquals(lse[p], LogSoftmax.logSumExp(logits, p * v, v), 1e-5, modelName + " " + c + " position " + p);
                    }
                } else {
                    float[] logits = golden.tensor(c + ".logits_rows");
                    int[] positions = GoldenModel.ints(golden.testCase(c).get("logits_rows_positions"));
                    for (int i = 0; i < positions.length; i++, rows++) {
                        assertEquals(lse[positions[i]], LogSoftmax.logSumExp(logits, i * v, v), 1e-5, modelName + " " + c + " position " + positions[i]);
                    }
                }
            }
            assertEquals(modelName.equals("tiny-sequential") ? 41 : 12, rows, "rows compared");
        }
    }
}
