package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Decoding of GGML block formats to float32, exactly as GGML's reference dequantize_row_*
 * (each value {@code (float) q · d}, one rounding), a vector of values at a time.
 */
public final class Dequantize {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Lanes per vector: 16 with AVX-512, 8 with AVX2; divides the 16 values of a half block. */
    private static final int L = F.length();
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** Vectors wider than a half block (not on x86) take the scalar loops. */
    private static final boolean VECTOR = L <= 16;

    private Dequantize() {
    }

    /** Decodes {@code blocks} consecutive blocks starting at {@code byteOffset}. */
    public static void blocks(DType type, MemorySegment src, long byteOffset, float[] dst, int dstOffset, int blocks) {
        switch (type) {
            case Q8_0 -> q8_0(src, byteOffset, dst, dstOffset, blocks);
            case Q4_0 -> q4_0(src, byteOffset, dst, dstOffset, blocks);
            default -> throw new IllegalArgumentException(type + " is not a block format");
        }
    }

    private static void q8_0(MemorySegment src, long off, float[] dst, int dstOffset, int blocks) {
        if (!VECTOR) {
            scalarQ8_0(src, off, dst, dstOffset, blocks);
            return;
        }
        for (int b = 0; b < blocks; b++, off += 34, dstOffset += 32) {
            float d = Float.float16ToFloat(src.get(I16, off));
            for (int i = 0; i < 32; i += L) {
                ((FloatVector) ByteVector.fromMemorySegment(B, src, off + 2 + i, LE).convertShape(VectorOperators.B2F, F, 0))
                        .mul(d).intoArray(dst, dstOffset + i);
            }
        }
    }

    private static void q4_0(MemorySegment src, long off, float[] dst, int dstOffset, int blocks) {
        if (!VECTOR) {
            scalarQ4_0(src, off, dst, dstOffset, blocks);
            return;
        }
        for (int b = 0; b < blocks; b++, off += 18, dstOffset += 32) {
            float d = Float.float16ToFloat(src.get(I16, off));
            for (int i = 0; i < 16; i += L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(B, src, off + 2 + i, LE).convertShape(VectorOperators.B2I, I, 0);
                ((FloatVector) q.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dstOffset + i);
                ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0))
                        .mul(d).intoArray(dst, dstOffset + i + 16);
            }
        }
    }

    static void scalarQ8_0(MemorySegment src, long off, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, off += 34, dstOffset += 32) {
            float d = Float.float16ToFloat(src.get(I16, off));
            for (int i = 0; i < 32; i++) {
                dst[dstOffset + i] = src.get(ValueLayout.JAVA_BYTE, off + 2 + i) * d;
            }
        }
    }

    static void scalarQ4_0(MemorySegment src, long off, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, off += 18, dstOffset += 32) {
            float d = Float.float16ToFloat(src.get(I16, off));
            for (int i = 0; i < 16; i++) {
                int q = src.get(ValueLayout.JAVA_BYTE, off + 2 + i) & 0xFF;
                dst[dstOffset + i] = ((q & 0x0F) - 8) * d;
                dst[dstOffset + i + 16] = ((q >>> 4) - 8) * d;
            }
        }
    }
}
