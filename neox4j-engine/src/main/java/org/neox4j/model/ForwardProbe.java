package org.neox4j.model;

/**
 * Observes intermediate values of the forward pass (for tests and feature extraction). Names
 * follow the golden data: {@code ln1_out, qkv_out, attn_probs, attn_out, ln2_out, mlp_h4h_out,
 * mlp_out}. {@code data} holds {@code rows × width} values and is reused after the call returns.
 */
@FunctionalInterface
public interface ForwardProbe {
    void record(String name, int layer, float[] data, int rows, int width);
}
