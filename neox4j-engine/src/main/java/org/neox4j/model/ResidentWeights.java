package org.neox4j.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.OptionalLong;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.os.AnonymousMemory;
import org.neox4j.os.MemoryInfo;
import org.neox4j.os.NativeMemory;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.RowGroups;
import org.neox4j.tensor.Tensor;
import org.neox4j.tensor.WorkerPool;

/**
 * The weight matrices of a loaded model (or of its part) copied into RAM, off-heap, for
 * {@link MemoryMode#RESIDENT}: afterwards every matrix a token reads in full is in RAM, none
 * depends on the file or the page cache. The input embedding table (untied) stays mapped: a
 * token reads one row of it, and copying it would add its whole size to the process (0.17 GB at
 * 20B in Q4_0) for nothing. The copy of a Q4_0 matrix is row-grouped for the decode kernel
 * ({@link LoadOptions#repack()}). The copy is refused before anything is allocated when the
 * machine's available memory ({@code MemAvailable}) cannot hold it. Closing frees the copies.
 */
final class ResidentWeights implements HeldWeights {
    /** Kept free beside the weights for the JVM, activations and the KV cache of a short context. */
    static final long HEADROOM = 512L << 20;
    /** Plain copies go in slices of this size, each slice's mapped pages dropped once copied. */
    private static final long COPY_SLICE = 32L << 20;

    private final Arena arena = Arena.ofShared();
    private final long bytes;
    private ModelWeights weights;

    private final WorkerPool pool;
    private final boolean repack;
    private final ProgressListener progress;

    private ResidentWeights(long bytes, WorkerPool pool, boolean repack, ProgressListener progress) {
        this.bytes = bytes;
        this.pool = pool;
        this.repack = repack;
        this.progress = progress;
    }

    static ResidentWeights copy(ModelWeights mapped, String source, WorkerPool pool, boolean repack, ProgressListener progress) {
        return copy(mapped, source, MemoryInfo.available(), pool, repack, progress);
    }

    static ResidentWeights copy(ModelWeights mapped, String source, OptionalLong available) {
        return copy(mapped, source, available, WorkerPool.single(), false, ProgressListener.NONE);
    }

    /** @param repack whether Q4_0 matrices are made row-grouped ({@link RowGroups}) as they are copied */
    static ResidentWeights copy(ModelWeights mapped, String source, OptionalLong available, WorkerPool pool, boolean repack,
            ProgressListener progress) {
        long total = mapped.bytesPerToken();
        if (available.isPresent() && total + HEADROOM > available.getAsLong()) {
            throw new Neox4jException(String.format(Locale.ROOT, "%s: --memory resident needs %s for the weights plus %s headroom,"
                    + " but only %s is available (MemAvailable); use --memory mmap (the default) or --memory stream --max-resident SIZE",
                    source, StreamingResidency.gib(total), StreamingResidency.gib(HEADROOM), StreamingResidency.gib(available.getAsLong())));
        }
        ResidentWeights r = new ResidentWeights(total, pool, repack, progress);
        progress.start("copying weights into RAM", total);
        try {
            r.weights = mapped.withMatrices(r::copy, false);
            return r;
        } catch (RuntimeException | OutOfMemoryError e) {
            r.close();
            throw e;
        } finally {
            progress.finish();
        }
    }

    private Tensor copy(Tensor t) {
        progress.advance(t.byteSize());
        if (repack && t.dtype() == DType.Q4_0 && RowGroups.supports(DType.Q4_0, t.cols())) {
            Tensor grouped = RowGroups.pack(t, arena, pool);
            if (grouped != null) {
                NativeMemory.madvise(t.data(), NativeMemory.MADV_DONTNEED);
                return grouped;
            }
        }
        MemorySegment ram = AnonymousMemory.allocate(arena, t.byteSize());
        // The mapped pages are only read to copy them: each slice's are dropped from this process
        // once copied, so at most one slice of the file is mapped beside the copies (the Q8_0 head
        // of 20B is 0.33 GB).
        for (long at = 0; at < t.byteSize(); at += COPY_SLICE) {
            long n = Math.min(COPY_SLICE, t.byteSize() - at);
            MemorySegment.copy(t.data(), at, ram, at, n);
            NativeMemory.madvise(t.data().asSlice(at, n), NativeMemory.MADV_DONTNEED);
        }
        return new Tensor(t.name(), t.dtype(), t.shape(), ram);
    }

    @Override
    public ModelWeights weights() {
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
