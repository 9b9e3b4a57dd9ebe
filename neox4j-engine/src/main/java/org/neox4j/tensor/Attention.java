package org.neox4j.tensor;

/** Scaled dot-product attention of one query head over a causal prefix of cached keys/values. */
public final class Attention {
    private Attention() {
    }

    /**
     * out = softmax(q·Kᵀ · scale) · V over keys/values at positions [0, length), where key and
     * value of position j for this head start at {@code j·stride + headOffset}. Scores, the
     * softmax (vector exp) and the weighted sum of values are all vectorised over lanes.
     *
     * @param scores scratch of at least {@code length} floats; holds the probabilities afterwards
     */
    public static void head(float[] q, int qOff, float[] keys, float[] values, int stride, int headOffset,
                            int length, int headSize, float scale, float[] scores, float[] out, int outOff) {
        for (int j = 0; j < length; j++) {
            scores[j] = VectorMath.dot(q, qOff, keys, j * stride + headOffset, headSize) * scale;
        }
        float max = VectorMath.max(scores, 0, length);
        float sum = VectorMath.expShiftSum(scores, 0, length, max);
        VectorMath.scale(scores, 0, length, 1f / sum);
        java.util.Arrays.fill(out, outOff, outOff + headSize, 0f);
        for (int j = 0; j < length; j++) {
            VectorMath.axpy(scores[j], values, j * stride + headOffset, out, outOff, headSize);
        }
    }
}
