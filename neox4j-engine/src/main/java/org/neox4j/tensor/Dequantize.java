package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Decoding of GGML block formats to float32, exactly as GGML's reference dequantize_row_*. */
public final class Dequantize {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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
        for (int b = 0; b < blocks; b++, off += 34, dstOffset += 32) {
            float d = Float.float16ToFloat(src.get(I16, off));
            for (int i = 0; i < 32; i++) {
                dst[dstOffset + i] = src.get(ValueLayout.JAVA_BYTE, off + 2 + i) * d;
            }
        }
    }

    private static void q4_0(MemorySegment src, long off, float[] dst, int dstOffset, int blocks) {
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
