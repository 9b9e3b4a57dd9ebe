package org.neox4j.model;

import org.neox4j.Neox4jException;

/**
 * The keys (after rotary) and values of one sequence, for every layer of the model or of a range
 * of layers (a pipeline stage's), up to a fixed capacity of positions. Layout per layer:
 * {@code [position][head][headSize]}, i.e. position p's vector for all heads starts at
 * {@code p · hiddenSize}.
 */
public final class KvCache {
    private final float[][] keys;
    private final float[][] values;
    private final int firstLayer;
    private final int capacity;
    private final int width;
    private int length;

    /** A cache for every layer of the model. */
    public KvCache(Config config, int capacity) {
        this(config, capacity, 0, config.numLayers());
    }

    /** A cache for layers {@code [firstLayer, endLayer)} only (may be empty: then it only counts positions). */
    public KvCache(Config config, int capacity, int firstLayer, int endLayer) {
        if (firstLayer < 0 || endLayer < firstLayer || endLayer > config.numLayers()) {
            throw new IllegalArgumentException("layer range " + firstLayer + "-" + endLayer + " is not within the model's "
                    + config.numLayers() + " layers");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("KV cache capacity must be at least 1, got " + capacity);
        }
        long floats = (long) capacity * config.hiddenSize();
        if (floats > Integer.MAX_VALUE - 16) {
            throw new Neox4jException("context of " + capacity + " tokens is too large for one KV cache array ("
                    + config.hiddenSize() + " values per position)");
        }
        this.firstLayer = firstLayer;
        this.capacity = capacity;
        this.width = config.hiddenSize();
        this.keys = new float[endLayer - firstLayer][(int) floats];
        this.values = new float[endLayer - firstLayer][(int) floats];
    }

    /** Bytes a cache of {@code capacity} positions takes for this config. */
    public static long bytesFor(Config config, int capacity) {
        return bytesFor(config, capacity, config.numLayers());
    }

    /** Bytes a cache of {@code capacity} positions for {@code layers} layers takes. */
    public static long bytesFor(Config config, int capacity, int layers) {
        return 2L * layers * capacity * config.hiddenSize() * Float.BYTES;
    }

    /** First layer held. */
    public int firstLayer() {
        return firstLayer;
    }

    /** One past the last layer held. */
    public int endLayer() {
        return firstLayer + keys.length;
    }

    public int capacity() {
        return capacity;
    }

    /** Positions filled so far: the next token goes to position {@code length()}. */
    public int length() {
        return length;
    }

    public float[] keys(int layer) {
        return keys[index(layer)];
    }

    public float[] values(int layer) {
        return values[index(layer)];
    }

    private int index(int layer) {
        int i = layer - firstLayer;
        if (i < 0 || i >= keys.length) {
            throw new IllegalArgumentException("layer " + layer + " is not in this KV cache (layers " + firstLayer + "-" + endLayer() + ")");
        }
        return i;
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
