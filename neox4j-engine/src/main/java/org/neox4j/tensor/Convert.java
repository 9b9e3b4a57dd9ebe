package org.neox4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.neox4j.os.AnonymousMemory;

/**
 * Re-encodes a matrix into another storage dtype (e.g. f16 or bf16 checkpoints into Q8_0/Q4_0 at
 * load time). Rows are widened to float32 and encoded by {@link Quantize}, split across the
 * pool; the result lives off-heap in the given arena, so the resident cost is exactly the new
 * dtype's size (the source stays memory-mapped and is paged out by the OS once read).
 */
public final class Convert {
    private Convert() {
    }

    /** Whether a matrix with {@code cols} columns can be stored as {@code type} (block types need whole blocks per row). */
    public static boolean fits(DType type, long cols) {
        return cols % type.blockSize() == 0;
    }

    /** {@code src} re-encoded as {@code type}; {@code src} itself when it already is. */
    public static Tensor to(Tensor src, DType type, Arena arena, WorkerPool pool) {
        if (src.dtype() == type) {
            return src;
        }
        int rows = src.rows();
        int cols = src.cols();
        if (!fits(type, cols)) {
            throw new IllegalArgumentException("tensor " + src.name() + ": rows of " + cols + " values are not whole "
                    + type + " blocks of " + type.blockSize());
        }
        long rowBytes = type.byteSize(cols);
        MemorySegment data = AnonymousMemory.allocate(arena, rowBytes * rows);
        ThreadLocal<float[]> rowBuf = ThreadLocal.withInitial(() -> new float[cols]);
        pool.parallelFor(rows, 64, (start, end) -> {
            float[] row = rowBuf.get();
            for (int r = start; r < end; r++) {
                src.toFloats((long) r * cols, row, 0, cols);
                Quantize.row(type, row, 0, cols, data, r * rowBytes);
            }
        });
        return new Tensor(src.name(), type, src.shape(), data);
    }
}
