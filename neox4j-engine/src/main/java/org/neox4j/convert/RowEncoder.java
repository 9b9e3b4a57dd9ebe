package org.neox4j.convert;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Quantize;

/**
 * Encodes float32 values into a storage dtype for export, with the kernels' encoder
 * ({@link Quantize}): float16 and bfloat16 round to nearest even (as PyTorch's {@code Tensor.to}),
 * Q8_0 and Q4_0 are GGML-exact.
 */
final class RowEncoder {
    private RowEncoder() {
    }

    /** Appends {@code count} values of {@code src[offset..]} to {@code dst} as {@code type}. */
    static void encode(DType type, float[] src, int offset, int count, ByteBuffer dst) {
        long bytes = type.byteSize(count);
        Quantize.row(type, src, offset, count, MemorySegment.ofBuffer(dst), 0);
        dst.position(dst.position() + Math.toIntExact(bytes));
    }
}
