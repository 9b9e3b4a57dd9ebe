package org.neox4j.model;

import org.neox4j.Neox4jException;

/**
 * The keys (after rotary) and values of one sequence, for every layer, up to a fixed capacity
 * of positions. Layout per layer: {@code [position][head][headSize]}, i.e. position p's vector
 * for all heads starts at {@code p · hiddenSize}.
 */
public final class KvCache {
    private final float[][] keys;
    private final float[][] values;
    private final int capacity;
    private final int width;
    private int length;

    public KvCache(Config config, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("KV cache capacity must be at least 1, got " + capacity);
        }
        long floats = (long) capacity * config.hiddenSize();
        if (floats > Integer.MAX_VALUE - 16) {
            throw new Neox4jException("context of " + capacity + " tokens is too large for one KV cache array ("
                    + config.hiddenSize() + " values per position)");
        }
        this.capacity = capacity;
        this.width = config.hiddenSize();
        this.keys = new float[config.numLayers()][(int) floats];
        this.values = new float[config.numLayers()][(int) floats];
    }

    /** Bytes a cache of {@code capacity} positions takes for this config. */
    public static long bytesFor(Config config, int capacity) {
        return 2L * config.numLayers() * capacity * config.hiddenSize() * Float.BYTES;
    }

    public int capacity() {
        return capacity;
    }

    /** Positions filled so far: the next token goes to position {@code length()}. */
    public int length() {
        return length;
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    /** Row stride: values per position. */
    public int width() {
        return width;
    }

    /** Claims the next {@code n} positions (called by the forward pass before writing them). */
    void checkRoom(int n) {
        if (length + n > capacity) {
            throw new ContextOverflowException(length, n, capacity);
        }
    }

    void advance(int n) {
        length += n;
    }

    /** Forgets positions from {@code newLength} on (e.g. to reuse a prompt prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }
}
