package org.neox4j.format.gguf;

import java.util.Arrays;

/**
 * One tensor of a GGUF file as its header describes it.
 *
 * @param name the GGUF tensor name ({@code blk.0.attn_qkv.weight})
 * @param ne dimensions innermost first, as GGML stores them ({@code ne[0]} = elements of a row)
 * @param type its GGML type
 * @param offset bytes from the start of the data section
 * @param byteSize bytes it occupies
 */
public record GgufTensorInfo(String name, long[] ne, GgmlType type, long offset, long byteSize) {
    public GgufTensorInfo {
        ne = ne.clone();
    }

    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** Dimensions outermost first, as PyTorch and the engine's {@code Tensor} order them. */
    public long[] shape() {
        long[] shape = new long[ne.length];
        for (int i = 0; i < ne.length; i++) {
            shape[i] = ne[ne.length - 1 - i];
        }
        return shape;
    }

    public long elementCount() {
        long n = 1;
        for (long d : ne) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(ne);
    }
}
