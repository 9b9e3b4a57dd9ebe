package org.neox4j.model;

import java.lang.foreign.Arena;
import org.neox4j.tensor.Convert;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.RowGroups;
import org.neox4j.tensor.Tensor;
import org.neox4j.tensor.WorkerPool;

/**
 * The weight matrices of a loaded model (or part) re-encoded in another storage dtype, for
 * {@link LoadOptions#weightsDtype()}: quantized (or widened, narrowed) row-parallel at load into
 * off-heap memory, exactly GGML's block layout for Q8_0/Q4_0. The resident cost is the new
 * dtype's size; the mapped source is only read. Q4_0 matrices are made row-grouped for the
 * decode kernel unless asked not to ({@link LoadOptions#repack()}). Matrices whose rows are not whole blocks, and
 * the small float vectors (norms, biases), stay as they are. Closing frees the copies.
 */
final class ConvertedWeights implements HeldWeights {
    private final Arena arena = Arena.ofShared();
    private ModelWeights weights;
    private final boolean repack;

    private ConvertedWeights(boolean repack) {
        this.repack = repack;
    }

    static ConvertedWeights of(ModelWeights mapped, DType type, WorkerPool pool) {
        return of(mapped, type, pool, true);
    }

    /** @param repack whether Q4_0 matrices are made row-grouped ({@link RowGroups}) for the decode kernel */
    static ConvertedWeights of(ModelWeights mapped, DType type, WorkerPool pool, boolean repack) {
        ConvertedWeights c = new ConvertedWeights(repack);
        try {
            c.weights = mapped.withMatrices(t -> c.convert(t, type, pool), true);
            return c;
        } catch (RuntimeException | OutOfMemoryError e) {
            c.close();
            throw e;
        }
    }

    private Tensor convert(Tensor t, DType type, WorkerPool pool) {
        if (t == null || !Convert.fits(type, t.cols())) {
            return t;
        }
        if (repack && RowGroups.supports(type, t.cols())) {
            Tensor grouped = RowGroups.pack(t, arena, pool);
            if (grouped != null) {
                return grouped;
            }
        }
        return Convert.to(t, type, arena, pool);
    }

    @Override
    public ModelWeights weights() {
        return weights;
    }

    @Override
    public void close() {
        arena.close();
    }
}
