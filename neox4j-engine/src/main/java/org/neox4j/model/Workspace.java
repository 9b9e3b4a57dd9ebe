package org.neox4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Activation buffers of the forward pass, grown to the largest batch seen and then reused, so
 * steady-state decoding allocates nothing here.
 */
final class Workspace {
    private final Config config;
    private final ThreadLocal<float[]> scores = ThreadLocal.withInitial(() -> new float[256]);
    private int rows;

    /** The one-chunk batch of {@link GptNeoX#forwardLast}, reused across decode steps. */
    final List<GptNeoX.Chunk> single = new ArrayList<>(Arrays.asList((GptNeoX.Chunk) null));

    int[] positions = new int[0];
    int[] chunkOfRow = new int[0];
    float[] x;
    float[] normed;
    float[] qkv;
    float[] context;
    float[] attnOut;
    float[] up;
    float[] mlpOut;

    Workspace(Config config) {
        this.config = config;
    }

    void ensure(int n) {
        if (n <= rows) {
            return;
        }
        int h = config.hiddenSize();
        rows = Math.max(n, rows * 2);
        positions = new int[rows];
        chunkOfRow = new int[rows];
        x = new float[rows * h];
        normed = new float[rows * h];
        qkv = new float[rows * 3 * h];
        context = new float[rows * h];
        attnOut = new float[rows * h];
        up = new float[rows * config.intermediateSize()];
        mlpOut = new float[rows * h];
    }

    /** Attention score scratch of the calling worker thread, at least {@code needed} long. */
    float[] scores(int needed) {
        float[] s = scores.get();
        if (s.length < needed) {
            s = new float[Math.max(needed, 2 * s.length)];
            scores.set(s);
        }
        return s;
    }
}
