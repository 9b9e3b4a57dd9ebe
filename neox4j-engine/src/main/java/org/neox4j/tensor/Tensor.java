package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named, typed, shaped view over bytes in a {@link MemorySegment}: usually a slice of a
 * memory-mapped weight file, so no weight is copied onto the heap. Shapes are outermost first,
 * like PyTorch ({@code [rows, cols]} for a matrix, rows = output features of a linear layer).
 */
public final class Tensor {
    /** How a matrix's bytes are ordered. */
    public enum Layout {
        /** Row-major, each row in its dtype's own encoding (GGML blocks for Q8_0/Q4_0): what files hold. */
        ROWS,
        /** Q4_0 rows interleaved in groups for the decode kernel ({@link RowGroups}); made at load, never written to files. */
        ROW_GROUPS
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long elementCount;
    private final MemorySegment data;
    private final Layout layout;
    /** For F16: 1 when some element is an infinity or NaN, 0 when none, -1 before the first check. */
    private volatile int nonFiniteF16 = -1;

    public Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
        this(name, dtype, shape, data, Layout.ROWS);
    }

    public Tensor(String name, DType dtype, long[] shape, MemorySegment data, Layout layout) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dimension in " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        this.elementCount = count;
        long expected = dtype.byteSize(count);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor " + name + ": " + dtype + " " + Arrays.toString(shape)
                    + " needs " + expected + " bytes, got " + data.byteSize());
        }
        if (layout == Layout.ROW_GROUPS && (shape.length != 2 || !RowGroups.supports(dtype, shape[1]))) {
            throw new IllegalArgumentException("tensor " + name + ": " + dtype + " " + Arrays.toString(shape) + " cannot be row-grouped");
        }
        this.data = data;
        this.layout = layout;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public long elementCount() {
        return elementCount;
    }

    public Layout layout() {
        return layout;
    }

    public MemorySegment data() {
        return data;
    }

    public long byteSize() {
        return data.byteSize();
    }

    /** Rows of a matrix (first dimension). */
    public int rows() {
        return Math.toIntExact(shape[0]);
    }

    /** Columns of a matrix (product of the remaining dimensions). */
    public int cols() {
        return Math.toIntExact(elementCount / Math.max(1, shape[0]));
    }

    /** Bytes of one row of a matrix. */
    public long rowBytes() {
        return dtype.byteSize(cols());
    }

    /**
     * Whether this F16 tensor holds an infinity or NaN (false for other dtypes). Scanned once, on
     * first use, so the kernels can take the cheaper widening for the (usual) all-finite case.
     */
    public boolean hasNonFiniteF16() {
        int v = nonFiniteF16;
        if (v < 0) {
            v = dtype == DType.F16 && Widen.anyNonFiniteF16(data, 0, elementCount) ? 1 : 0;
            nonFiniteF16 = v;
        }
        return v == 1;
    }

    /** The same bytes seen under another name (used when a weight is shared, e.g. tied embeddings). */
    public Tensor renamed(String newName) {
        return new Tensor(newName, dtype, shape, data, layout);
    }

    /** One element widened to float; a slow path for tests and small vectors. */
    public float getFloat(long index) {
        return switch (dtype) {
            case F32 -> data.get(F32, index * 4);
            case F16 -> Float.float16ToFloat(data.get(I16, index * 2));
            case BF16 -> Float.intBitsToFloat((data.get(I16, index * 2) & 0xFFFF) << 16);
            case Q8_0, Q4_0 -> {
                float[] block = new float[dtype.blockSize()];
                long b = index / dtype.blockSize();
                toFloats(b * dtype.blockSize(), block, 0, block.length);
                yield block[(int) (index % dtype.blockSize())];
            }
        };
    }

    /** Widens {@code count} elements starting at element {@code start} into {@code dst[dstOffset..]}. */
    public void toFloats(long start, float[] dst, int dstOffset, int count) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, F32, start * 4, dst, dstOffset, count);
            case F16 -> Widen.f16(data, start * 2, dst, dstOffset, count);
            case BF16 -> Widen.bf16(data, start * 2, dst, dstOffset, count);
            case Q8_0, Q4_0 -> {
                int bs = dtype.blockSize();
                if (start % bs != 0 || count % bs != 0) {
                    throw new IllegalArgumentException(dtype + " tensors are read in whole blocks of " + bs);
                }
                if (layout == Layout.ROW_GROUPS) {
                    groupedToFloats(start, dst, dstOffset, count);
                    return;
                }
                Dequantize.blocks(dtype, data, start / bs * dtype.blockBytes(), dst, dstOffset, count / bs);
            }
        }
    }

    private void groupedToFloats(long start, float[] dst, int dstOffset, int count) {
        int cols = cols();
        while (count > 0) {
            int row = Math.toIntExact(start / cols);
            int col = (int) (start % cols);
            int n = Math.min(count, cols - col);
            RowGroups.toFloats(data, rows(), cols, row, col, dst, dstOffset, n);
            start += n;
            dstOffset += n;
            count -= n;
        }
    }

    /** The whole tensor as a new float array (for small vectors such as biases and LayerNorm weights). */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(elementCount)];
        toFloats(0, out, 0, out.length);
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + (layout == Layout.ROWS ? "" : " " + layout);
    }
}
