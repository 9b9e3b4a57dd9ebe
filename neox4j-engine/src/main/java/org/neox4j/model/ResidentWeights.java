package org.neox4j.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.neox4j.Neox4jException;
import org.neox4j.os.AnonymousMemory;
import org.neox4j.os.MemoryInfo;
import org.neox4j.os.NativeMemory;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.RowGroups;
import org.neox4j.tensor.Tensor;
import org.neox4j.tensor.WorkerPool;

/**
 * The weight matrices of a loaded model (or of its part) copied into RAM, off-heap, for
 * {@link MemoryMode#RESIDENT}: afterwards no weight depends on the file or the page cache. The
 * copy of a Q4_0 matrix is row-grouped for the decode kernel ({@link LoadOptions#repack()}). The
 * copy is refused before anything is allocated when the machine's available memory
 * ({@code MemAvailable}) cannot hold it. Closing frees the copies.
 */
final class ResidentWeights implements AutoCloseable {
    /** Kept free beside the weights for the JVM, activations and the KV cache of a short context. */
    static final long HEADROOM = 512L << 20;

    private final Arena arena = Arena.ofShared();
    private final long bytes;
    private ModelWeights weights;

    private final WorkerPool pool;
    private final boolean repack;

    private ResidentWeights(long bytes, WorkerPool pool, boolean repack) {
        this.bytes = bytes;
        this.pool = pool;
        this.repack = repack;
    }

    static ResidentWeights copy(ModelWeights mapped, String source, WorkerPool pool, boolean repack) {
        return copy(mapped, source, MemoryInfo.available(), pool, repack);
    }

    static ResidentWeights copy(ModelWeights mapped, String source, OptionalLong available) {
        return copy(mapped, source, available, WorkerPool.single(), false);
    }

    /** @param repack whether Q4_0 matrices are made row-grouped ({@link RowGroups}) as they are copied */
    static ResidentWeights copy(ModelWeights mapped, String source, OptionalLong available, WorkerPool pool, boolean repack) {
        long total = mapped.bytesPerToken() + (mapped.embedIn() == null || mapped.embedIn() == mapped.embedOut() ? 0
                : mapped.embedIn().byteSize());
        if (available.isPresent() && total + HEADROOM > available.getAsLong()) {
            throw new Neox4jException(String.format(Locale.ROOT, "%s: --memory resident needs %s for the weights plus %s headroom,"
                    + " but only %s is available (MemAvailable); use --memory mmap (the default) or --memory stream --max-resident SIZE",
                    source, StreamingResidency.gib(total), StreamingResidency.gib(HEADROOM), StreamingResidency.gib(available.getAsLong())));
        }
        ResidentWeights r = new ResidentWeights(total, pool, repack);
        try {
            List<LayerWeights> layers = new ArrayList<>();
            for (LayerWeights l : mapped.layers()) {
                layers.add(new LayerWeights(l.inputNormWeight(), l.inputNormBias(), r.copy(l.qkv()), l.qkvBias(),
                        r.copy(l.attnOut()), l.attnOutBias(), l.postAttnNormWeight(), l.postAttnNormBias(),
                        r.copy(l.mlpUp()), l.mlpUpBias(), r.copy(l.mlpDown()), l.mlpDownBias()));
            }
            Tensor embedIn = r.copy(mapped.embedIn());
            Tensor embedOut = mapped.embedOut() == mapped.embedIn() ? embedIn : r.copy(mapped.embedOut());
            r.weights = new ModelWeights(embedIn, layers, mapped.finalNormWeight(), mapped.finalNormBias(), embedOut,
                    mapped.qkvLayout(), mapped.firstLayer());
            return r;
        } catch (RuntimeException | OutOfMemoryError e) {
            r.close();
            throw e;
        }
    }

    private Tensor copy(Tensor t) {
        if (t == null) {
            return null;
        }
        if (repack && t.dtype() == DType.Q4_0 && RowGroups.supports(DType.Q4_0, t.cols())) {
            Tensor grouped = RowGroups.pack(t, arena, pool);
            if (grouped != null) {
                NativeMemory.madvise(t.data(), NativeMemory.MADV_DONTNEED);
                return grouped;
            }
        }
        MemorySegment ram = AnonymousMemory.allocate(arena, t.byteSize());
        ram.copyFrom(t.data());
        // The mapped pages were only read to copy them: drop them from this process.
        NativeMemory.madvise(t.data(), NativeMemory.MADV_DONTNEED);
        return new Tensor(t.name(), t.dtype(), t.shape(), ram);
    }

    ModelWeights weights() {
        return weights;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        arena.close();
    }
}
