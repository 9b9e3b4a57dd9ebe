package org.neox4j.tensor;

/** Scaled dot-product attention of one query head over a causal prefix of cached keys/values. */
public final class Attention {
    private Attention() {
    }

    /**
     * out = softmax(q·Kᵀ · scale) · V over keys/values at positions [0, length), where key and
     * value of position j for this head start at {@code j·stride + headOffset}.
     *
     * @param scores scratch of at least {@code length} floats; holds the probabilities afterwards
     */
    public static void head(float[] q, int qOff, float[] keys, float[] values, int stride, int headOffset,
                            int length, int headSize, float scale, float[] scores, float[] out, int outOff) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < length; j++) {
            float s = VectorMath.dot(q, qOff, keys, j * stride + headOffset, headSize) * scale;
            scores[j] = s;
            if (s > max) {
                max = s;
            }
        }
        double sum = 0;
        for (int j = 0; j < length; j++) {
            float e = (float) Math.exp(scores[j] - max);
            scores[j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        java.util.Arrays.fill(out, outOff, outOff + headSize, 0f);
        for (int j = 0; j < length; j++) {
            float p = scores[j] * inv;
            scores[j] = p;
            VectorMath.axpy(p, values, j * stride + headOffset, out, outOff, headSize);
        }
    }
}
