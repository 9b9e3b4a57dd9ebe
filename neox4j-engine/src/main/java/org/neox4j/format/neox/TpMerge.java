package org.neox4j.format.neox;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.neox4j.format.FormatException;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;

/**
 * How the tensor-parallel ranks' pieces of one weight combine into the full weight, following
 * {@code NEOX_CHECKPOINT_LAYOUT.md} (and EleutherAI's converters, bit for bit).
 */
enum TpMerge {
    /** Column-parallel weights and biases, vocabulary-parallel embeddings: concatenate along dim 0, rank 0 first. */
    CONCAT_ROWS,
    /** Row-parallel weights: concatenate along dim 1. */
    CONCAT_COLUMNS,
    /** Row-parallel biases of a parallel-residual model: every rank adds its own full-size copy, so sum them. */
    SUM,
    /** Replicated tensors (LayerNorms; row-parallel biases of a sequential-residual model): rank 0 when all ranks are equal, else their mean. */
    REPLICATED;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The merged shape, after checking that the ranks agree in dtype and shape; {@code what}
     * names the tensor and {@code sources} each rank's file for the error message.
     */
    long[] mergedShape(String what, List<Tensor> parts, List<String> sources) {
        Tensor first = parts.getFirst();
        for (int r = 1; r < parts.size(); r++) {
            Tensor p = parts.get(r);
            if (p.dtype() != first.dtype()) {
                throw new FormatException("mismatched shard dtypes of " + what + ": " + sources.get(0) + " has " + first.dtype()
                        + ", " + sources.get(r) + " has " + p.dtype());
            }
            if (!Arrays.equals(p.shape(), first.shape())) {
                throw new FormatException("mismatched shard shapes of " + what + ": " + sources.get(0) + " has "
                        + Arrays.toString(first.shape()) + ", " + sources.get(r) + " has " + Arrays.toString(p.shape()));
            }
        }
        long[] shape = first.shape();
        int dim = switch (this) {
            case CONCAT_ROWS -> 0;
            case CONCAT_COLUMNS -> 1;
            case SUM, REPLICATED -> -1;
        };
        if (dim >= 0) {
            if (shape.length <= dim || (this == CONCAT_COLUMNS && shape.length != 2)) {
                throw new FormatException(sources.get(0) + ": " + what + " has shape " + Arrays.toString(shape)
                        + ", which cannot be concatenated along dimension " + dim);
            }
            shape[dim] = Math.multiplyExact(shape[dim], parts.size());
        }
        return shape;
    }

    /** Merges the ranks' tensors (already checked by {@link #mergedShape}) into a tensor called {@code name}. */
    Tensor merge(String name, long[] shape, List<Tensor> parts) {
        Tensor first = parts.getFirst();
        if (parts.size() == 1 || (this == REPLICATED && allEqual(parts))) {
            return first.renamed(name); // a view of the mapped file: no copy
        }
        DType dtype = first.dtype();
        MemorySegment out = Arena.ofAuto().allocate(dtype.byteSize(first.elementCount() * (this == CONCAT_ROWS || this == CONCAT_COLUMNS ? parts.size() : 1)), 16);
        switch (this) {
            case CONCAT_ROWS -> {
                long at = 0;
                for (Tensor p : parts) {
                    MemorySegment.copy(p.data(), 0, out, at, p.byteSize());
                    at += p.byteSize();
                }
            }
            case CONCAT_COLUMNS -> {
                long rowBytes = first.byteSize() / first.dim(0);
                long at = 0;
                for (long row = 0; row < first.dim(0); row++) {
                    for (Tensor p : parts) {
                        MemorySegment.copy(p.data(), row * rowBytes, out, at, rowBytes);
                        at += rowBytes;
                    }
                }
            }
            case SUM -> write(out, dtype, sum(parts));
            case REPLICATED -> {
                // The converters' mean: sum(ranks) / T, every step rounded to the storage precision.
                float[] mean = sum(parts);
                for (int i = 0; i < mean.length; i++) {
                    mean[i] = round(mean[i] / parts.size(), dtype);
                }
                write(out, dtype, mean);
            }
        }
        return new Tensor(name, dtype, shape, out);
    }

    private static boolean allEqual(List<Tensor> parts) {
        for (Tensor p : parts) {
            if (MemorySegment.mismatch(p.data(), 0, p.byteSize(), parts.getFirst().data(), 0, parts.getFirst().byteSize()) != -1) {
                return false;
            }
        }
        return true;
    }

    /** Rank 0 + rank 1 + ..., each addition rounded to the storage dtype as PyTorch does. */
    private static float[] sum(List<Tensor> parts) {
        float[] acc = parts.getFirst().toFloatArray();
        DType dtype = parts.getFirst().dtype();
        for (int r = 1; r < parts.size(); r++) {
            float[] next = parts.get(r).toFloatArray();
            for (int i = 0; i < acc.length; i++) {
                acc[i] = round(acc[i] + next[i], dtype);
            }
        }
        return acc;
    }

    /** {@code x} rounded to the nearest value of {@code dtype} (ties to even), as a float. */
    static float round(float x, DType dtype) {
        return switch (dtype) {
            case F32 -> x;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(x));
            case BF16 -> Float.intBitsToFloat(bf16Bits(x) << 16);
            default -> throw new IllegalArgumentException(dtype + " cannot be merged");
        };
    }

    private static int bf16Bits(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (bits >>> 16) | 0x40; // quiet NaN
        }
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    private static void write(MemorySegment out, DType dtype, float[] values) {
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case F32 -> out.set(F32, 4L * i, values[i]);
                case F16 -> out.set(I16, 2L * i, Float.floatToFloat16(values[i]));
                case BF16 -> out.set(I16, 2L * i, (short) bf16Bits(values[i]));
                default -> throw new IllegalArgumentException(dtype + " cannot be merged");
            }
        }
    }
}
