package org.neox4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Widening of 16-bit float storage (IEEE half, bfloat16) to float32. */
public final class Widen {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Widen() {
    }

    public static void f16(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src.get(I16, byteOffset + 2L * i));
        }
    }

    public static void bf16(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Float.intBitsToFloat((src.get(I16, byteOffset + 2L * i) & 0xFFFF) << 16);
        }
    }
}
