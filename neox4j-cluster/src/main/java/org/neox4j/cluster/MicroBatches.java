package org.neox4j.cluster;

import java.util.ArrayList;
import java.util.List;
import org.neox4j.model.GptNeoX;

/**
 * Splits the rows of a batch of chunks into micro-batches of at most {@code maxRows} rows, in
 * order; a long chunk (a prompt) spreads over several. Each stage then receives micro-batch i+1
 * while the next stage works on micro-batch i, and a sequence's rows still reach every stage in
 * position order.
 */
final class MicroBatches {
    /** Rows {@code [offset, offset + rows)} of chunk number {@code chunk}. */
    record Piece(int chunk, int offset, int rows) {
    }

    /** Rows {@code [firstRow, firstRow + rows)} of the whole batch, as pieces of its chunks. */
    record MicroBatch(int firstRow, int rows, List<Piece> pieces) {
    }

    private MicroBatches() {
    }

    static List<MicroBatch> split(List<GptNeoX.Chunk> chunks, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("micro-batches need at least one row, got " + maxRows);
        }
        List<MicroBatch> out = new ArrayList<>();
        List<Piece> pieces = new ArrayList<>();
        int first = 0;
        int filled = 0;
        for (int c = 0; c < chunks.size(); c++) {
            int offset = 0;
            int rows = chunks.get(c).rows();
            while (offset < rows) {
                int take = Math.min(rows - offset, maxRows - filled);
                pieces.add(new Piece(c, offset, take));
                offset += take;
                filled += take;
                if (filled == maxRows) {
                    out.add(new MicroBatch(first, filled, List.copyOf(pieces)));
                    first += filled;
                    filled = 0;
                    pieces.clear();
                }
            }
        }
        if (filled > 0) {
            out.add(new MicroBatch(first, filled, List.copyOf(pieces)));
        }
        return out;
    }
}
