package org.neox4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.neox4j.os.AnonymousMemory;

/**
 * The row-grouped layout of a Q4_0 matrix, made at load for the decode kernel
 * ({@link GroupDot}): the same bytes as GGML's row-major blocks, permuted so that one vector
 * load holds the same byte of {@link #ROWS} consecutive rows. A vector lane is then a row, each
 * activation value is one broadcast for all of them, and a block's per-row scales are one
 * vector too: no horizontal sums, and four times fewer operations per weight than decoding
 * GGML's blocks one row at a time (see docs/KERNELS.md).
 *
 * <p>For each group of {@code ROWS} rows, for each block column {@code b}, {@link #GROUP_BLOCK_BYTES}
 * bytes: the {@code ROWS} f16 scales of block b (row order), then for {@code i} in 0..15 the
 * byte {@code i} of block b of every row. Each byte is stored XOR {@code 0x80}: read as a signed
 * byte it is then {@code lo + 16·(hi - 8)} with {@code lo, hi} GGML's nibbles (elements i and
 * i + 16, values {@code lo - 8}, {@code hi - 8}), so one arithmetic shift yields {@code hi - 8}
 * and one mask yields {@code lo}; the kernel subtracts the {@code 8·Σx} of the low half once per
 * block instead of per element. Rows past the
 * last whole group stay in GGML's layout after the groups. The size is that of the plain tensor.
 */
public final class RowGroups {
    /** Rows per group: one 256-bit vector of 16-bit lanes. */
    public static final int ROWS = 16;
    /** Bytes of one block column of a group: 16 scales and 16 × 16 quant bytes. */
    static final int GROUP_BLOCK_BYTES = ROWS * 18;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

    private RowGroups() {
    }

    /** Whether matrices of {@code type} can be grouped here (Q4_0, whole blocks per row, 256-bit vectors). */
    public static boolean supports(DType type, long cols) {
        return type == DType.Q4_0 && cols % 32 == 0 && GroupDot.AVAILABLE;
    }

    /** Whole groups of a matrix with {@code rows} rows. */
    static int groups(int rows) {
        return rows / ROWS;
    }

    /** Byte offset of group {@code g} in a grouped matrix of {@code cols} columns. */
    static long groupOffset(int g, int cols) {
        return (long) g * (cols / 32) * GROUP_BLOCK_BYTES;
    }

    /** Byte offset of tail row {@code r} (a row past the last whole group, kept in GGML's layout). */
    static long tailRowOffset(int r, int cols) {
        return groupOffset(groups(r), cols) + (long) (r % ROWS) * (cols / 32) * 18;
    }

    /**
     * {@code src} (any dtype) as a row-grouped Q4_0 matrix in {@code arena}; a Q4_0 source keeps
     * its exact blocks, any other is quantized as {@link Quantize} does. Groups are split across
     * the pool. Null when some block scale is an infinity or NaN: the grouped kernel assumes
     * finite scales, so such a matrix stays in the plain layout, whose kernels decode them exactly.
     */
    public static Tensor pack(Tensor src, Arena arena, WorkerPool pool) {
        MemorySegment dst = AnonymousMemory.allocate(arena, byteSize(src));
        return packInto(src, dst, pool) ? grouped(src, dst) : null;
    }

    /** Bytes of {@code src} row-grouped (those of its Q4_0 encoding: grouping only permutes them). */
    public static long byteSize(Tensor src) {
        checkGroupable(src);
        return DType.Q4_0.byteSize(src.cols()) * src.rows();
    }

    /** The tensor over {@code data}, which holds {@code src} row-grouped (from {@link #packInto}). */
    public static Tensor grouped(Tensor src, MemorySegment data) {
        if (data.byteSize() != byteSize(src)) {
            throw new IllegalArgumentException("tensor " + src.name() + ": " + data.byteSize() + " bytes for "
                    + byteSize(src) + " bytes of row groups");
        }
        return new Tensor(src.name(), DType.Q4_0, src.shape(), data, Tensor.Layout.ROW_GROUPS);
    }

    /**
     * Writes {@code src} row-grouped into {@code dst} ({@link #byteSize} bytes; any memory, e.g. a
     * file mapping), as {@link #pack}; false when some block scale is not finite (then {@code dst}
     * is not a valid grouped matrix).
     */
    public static boolean packInto(Tensor src, MemorySegment dst, WorkerPool pool) {
        int rows = src.rows();
        int cols = src.cols();
        long rowBytes = DType.Q4_0.byteSize(cols);
        if (dst.byteSize() != byteSize(src)) {
            throw new IllegalArgumentException("tensor " + src.name() + ": " + dst.byteSize() + " bytes for "
                    + byteSize(src) + " bytes of row groups");
        }
        int groups = groups(rows);
        // per thread: 16 plain rows and one regrouped group on the heap, where byte loops run
        // several times faster than through segment accessors; each moves with one bulk copy
        int groupBytes = Math.toIntExact(rowBytes * ROWS);
        ThreadLocal<byte[]> plainBuf = ThreadLocal.withInitial(() -> new byte[groupBytes]);
        ThreadLocal<byte[]> groupBuf = ThreadLocal.withInitial(() -> new byte[groupBytes]);
        ThreadLocal<float[]> rowBuf = ThreadLocal.withInitial(() -> new float[cols]);
        AtomicBoolean nonFinite = new AtomicBoolean();
        pool.parallelFor(groups + 1, 1, (start, end) -> {
            byte[] plain = plainBuf.get();
            byte[] group = groupBuf.get();
            for (int g = start; g < end; g++) {
                int r0 = g * ROWS;
                int n = Math.min(ROWS, rows - r0);
                for (int k = 0; k < n; k++) {
                    plainRow(src, r0 + k, cols, rowBytes, rowBuf.get(), plain, (int) (k * rowBytes));
                }
                if (n == ROWS) {
                    if (!interleave(plain, cols, group)) {
                        nonFinite.set(true);
                    }
                    MemorySegment.copy(group, 0, dst, ValueLayout.JAVA_BYTE, groupOffset(g, cols), groupBytes);
                } else if (n > 0) {
                    MemorySegment.copy(plain, 0, dst, ValueLayout.JAVA_BYTE, groupOffset(g, cols), (int) (n * rowBytes));
                }
            }
        });
        return !nonFinite.get();
    }

    private static void checkGroupable(Tensor src) {
        if (!supports(DType.Q4_0, src.cols())) {
            throw new IllegalArgumentException("tensor " + src.name() + ": rows of " + src.cols() + " values are not whole Q4_0 blocks");
        }
    }

    private static void plainRow(Tensor src, int r, int cols, long rowBytes, float[] row, byte[] dst, int at) {
        if (src.dtype() == DType.Q4_0 && src.layout() == Tensor.Layout.ROWS) {
            MemorySegment.copy(src.data(), ValueLayout.JAVA_BYTE, r * rowBytes, dst, at, (int) rowBytes);
        } else {
            src.toFloats((long) r * cols, row, 0, cols);
            Quantize.row(DType.Q4_0, row, 0, cols, MemorySegment.ofArray(dst), at);
        }
    }

    /** {@code ROWS} consecutive GGML rows in {@code plain} regrouped into {@code group}; false if a scale is not finite. */
    private static boolean interleave(byte[] plain, int cols, byte[] group) {
        boolean finite = true;
        int blocks = cols / 32;
        int rowBytes = blocks * 18;
        for (int b = 0, at = 0; b < blocks; b++, at += GROUP_BLOCK_BYTES) {
            for (int k = 0; k < ROWS; k++) {
                int block = k * rowBytes + 18 * b;
                group[at + 2 * k] = plain[block];
                group[at + 2 * k + 1] = plain[block + 1];
                finite &= (plain[block + 1] & 0x7C) != 0x7C; // f16 exponent bits, little-endian high byte
                for (int i = 0; i < 16; i++) {
                    group[at + 2 * ROWS + ROWS * i + k] = (byte) (plain[block + 2 + i] ^ 0x80);
                }
            }
        }
        return finite;
    }

    /**
     * Decodes the group starting at row {@code row0} (a multiple of {@link #ROWS}), columns
     * {@code [k0, k0+kc)} (block aligned), into the GEMM's column-major panel:
     * {@code pack[k·stride + rowOffset + lane]}. The 16 rows of one column are contiguous there,
     * so each is one vector store; values are exactly those of {@link #toFloats}.
     */
    static void packPanel(MemorySegment data, int cols, int row0, int k0, int kc, float[] pack, int rowOffset, int stride) {
        long at = groupOffset(row0 / ROWS, cols) + (long) (k0 / 32) * GROUP_BLOCK_BYTES;
        for (int kb = 0; kb < kc; kb += 32, at += GROUP_BLOCK_BYTES) {
            ShortVector scales = ShortVector.fromMemorySegment(S, data, at, LE);
            FloatVector d0 = scales(scales, 0);
            FloatVector d1 = scales(scales, 1);
            for (int i = 0; i < 16; i++) {
                ByteVector q = ByteVector.fromMemorySegment(B, data, at + 2 * ROWS + (long) ROWS * i, LE);
                IntVector q0 = (IntVector) q.convertShape(VectorOperators.B2I, I, 0);
                IntVector q1 = (IntVector) q.convertShape(VectorOperators.B2I, I, 1);
                int lo = (kb + i) * stride + rowOffset;
                int hi = (kb + i + 16) * stride + rowOffset;
                ((FloatVector) q0.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(d0).intoArray(pack, lo);
                ((FloatVector) q1.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(d1).intoArray(pack, lo + 8);
                ((FloatVector) q0.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0)).mul(d0).intoArray(pack, hi);
                ((FloatVector) q1.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0)).mul(d1).intoArray(pack, hi + 8);
            }
        }
    }

    /**
     * Lanes {@code 8·part..8·part+7} of a group's 16 f16 scales (finite, checked when grouping) as
     * floats: each half sign-extended into an int lane has its sign at bit 31 already; exponent and
     * mantissa move into float32 position, and 2^112 rebiases the exponent (subnormals included).
     * (Not routed through {@link Widen}: one more call level in the group kernel exceeded C2's
     * inlining budget, boxing its vectors: 27 → 10 GB/s and allocation in every decode step.)
     */
    static FloatVector scales(ShortVector scales, int part) {
        return ((IntVector) scales.convertShape(VectorOperators.S2I, I, part))
                .lanewise(VectorOperators.LSHL, 13).and(0x8FFF_E000).reinterpretAsFloats().mul(0x1p112f);
    }

    /**
     * Decodes {@code count} values of row {@code row} from column {@code col} (both block
     * aligned) of a grouped matrix, exactly as GGML's dequantize_row_q4_0 decodes the plain row.
     */
    static void toFloats(MemorySegment data, int rows, int cols, int row, int col, float[] dst, int dstOffset, int count) {
        if (row >= groups(rows) * ROWS) {
            Dequantize.blocks(DType.Q4_0, data, tailRowOffset(row, cols) + col / 32 * 18L, dst, dstOffset, count / 32);
            return;
        }
        int lane = row % ROWS;
        long at = groupOffset(row / ROWS, cols) + (long) (col / 32) * GROUP_BLOCK_BYTES;
        for (int b = 0; b < count / 32; b++, at += GROUP_BLOCK_BYTES, dstOffset += 32) {
            float d = Float.float16ToFloat(data.get(I16, at + 2L * lane));
            for (int i = 0; i < 16; i++) {
                int q = data.get(ValueLayout.JAVA_BYTE, at + 2 * ROWS + (long) ROWS * i + lane); // sign-extended
                dst[dstOffset + i] = ((q & 0x0F) - 8) * d;
                dst[dstOffset + i + 16] = (q >> 4) * d;
            }
        }
    }
}
