package org.neox4j.model;

/** How the rows of the fused query_key_value projection are ordered. */
public enum QkvLayout {
    /** Hugging Face and NeoX: head 0's q, k, v, then head 1's, ... ({@code [nh, 3, hd]}). */
    PER_HEAD_INTERLEAVED,
    /** llama.cpp's GGUF: all q, then all k, then all v ({@code [3, nh, hd]}). */
    SPLIT;

    /** Offset within one token's fused qkv vector of head {@code h}'s part {@code part} (0 = q, 1 = k, 2 = v). */
    public int offset(int part, int head, int numHeads, int headSize) {
        return switch (this) {
            case PER_HEAD_INTERLEAVED -> (head * 3 + part) * headSize;
            case SPLIT -> (part * numHeads + head) * headSize;
        };
    }
}
