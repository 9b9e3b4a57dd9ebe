package org.neox4j.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neox4j.model.GptNeoX;

class MicroBatchesTest {
    private static GptNeoX.Chunk rows(int n) {
        return GptNeoX.Chunk.ofHidden(null, n);
    }

    @Test
    void rowsAreCutInOrderAndLongChunksSpreadOverSeveralMicroBatches() {
        List<MicroBatches.MicroBatch> b = MicroBatches.split(List.of(rows(5), rows(1), rows(2)), 3);
        assertEquals(List.of(
                new MicroBatches.MicroBatch(0, 3, List.of(new MicroBatches.Piece(0, 0, 3))),
                new MicroBatches.MicroBatch(3, 3, List.of(new MicroBatches.Piece(0, 3, 2), new MicroBatches.Piece(1, 0, 1))),
                new MicroBatches.MicroBatch(6, 2, List.of(new MicroBatches.Piece(2, 0, 2)))), b);
    }

    @Test
    void aBatchThatFitsStaysWhole() {
        List<MicroBatches.MicroBatch> b = MicroBatches.split(List.of(rows(1), rows(1), rows(1)), 64);
        assertEquals(1, b.size());
        assertEquals(3, b.getFirst().rows());
        assertEquals(3, b.getFirst().pieces().size());
    }
}
