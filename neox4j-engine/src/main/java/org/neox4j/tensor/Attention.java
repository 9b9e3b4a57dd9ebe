package org.neox4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention of one query head over a causal prefix of cached keys/values.
 *
 * <p>In decoding this streams the whole KV cache once per token (with a 512-token context, ~9%
 * of Pythia-1.4B's F16 weight bytes), so it is written for memory traffic: four keys per step
 * share each query vector load, and the weighted sum of values keeps a slice of the output in
 * registers across all positions instead of loading and storing it once per position.
 */
public final class Attention {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

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
        scores(q, qOff, keys, stride, headOffset, length, headSize, scale, scores);
        float max = VectorMath.max(scores, 0, length);
        float sum = VectorMath.expShiftSum(scores, 0, length, max);
        VectorMath.scale(scores, 0, length, 1f / sum);
        if (headSize % L == 0) {
            weightedValues(scores, values, stride, headOffset, length, headSize, out, outOff);
        } else {
            java.util.Arrays.fill(out, outOff, outOff + headSize, 0f);
            for (int j = 0; j < length; j++) {
                VectorMath.axpy(scores[j], values, j * stride + headOffset, out, outOff, headSize);
            }
        }
    }

    /** scores[j] = q·K[j] · scale, four keys at a time when the head is whole vectors. */
    private static void scores(float[] q, int qOff, float[] keys, int stride, int headOffset, int length, int headSize,
                               float scale, float[] scores) {
        int j = 0;
        if (headSize % L == 0) {
            for (; j + 4 <= length; j += 4) {
                int k0 = j * stride + headOffset;
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                FloatVector a2 = FloatVector.zero(F);
                FloatVector a3 = FloatVector.zero(F);
                for (int c = 0; c < headSize; c += L) {
                    FloatVector qv = FloatVector.fromArray(F, q, qOff + c);
                    a0 = FloatVector.fromArray(F, keys, k0 + c).fma(qv, a0);
                    a1 = FloatVector.fromArray(F, keys, k0 + stride + c).fma(qv, a1);
                    a2 = FloatVector.fromArray(F, keys, k0 + 2 * stride + c).fma(qv, a2);
                    a3 = FloatVector.fromArray(F, keys, k0 + 3 * stride + c).fma(qv, a3);
                }
                scores[j] = a0.reduceLanes(VectorOperators.ADD) * scale;
                scores[j + 1] = a1.reduceLanes(VectorOperators.ADD) * scale;
                scores[j + 2] = a2.reduceLanes(VectorOperators.ADD) * scale;
                scores[j + 3] = a3.reduceLanes(VectorOperators.ADD) * scale;
            }
        }
        for (; j < length; j++) {
            scores[j] = VectorMath.dot(q, qOff, keys, j * stride + headOffset, headSize) * scale;
        }
    }

    /**
     * out = Σ_j p[j]·V[j] for a head of whole vectors: slices of up to four vectors of the output
     * stay in registers while every position is added in (masked lanes past the head's end).
     */
    private static void weightedValues(float[] p, float[] values, int stride, int headOffset, int length, int headSize,
                                       float[] out, int outOff) {
        for (int c = 0; c < headSize; c += 4 * L) {
            VectorMask<Float> m1 = F.indexInRange(c + L, headSize);
            VectorMask<Float> m2 = F.indexInRange(c + 2 * L, headSize);
            VectorMask<Float> m3 = F.indexInRange(c + 3 * L, headSize);
            FloatVector o0 = FloatVector.zero(F);
            FloatVector o1 = FloatVector.zero(F);
            FloatVector o2 = FloatVector.zero(F);
            FloatVector o3 = FloatVector.zero(F);
            int v = headOffset + c;
            for (int j = 0; j < length; j++, v += stride) {
                FloatVector pj = FloatVector.broadcast(F, p[j]);
                o0 = FloatVector.fromArray(F, values, v).fma(pj, o0);
                o1 = FloatVector.fromArray(F, values, v + L, m1).fma(pj, o1);
                o2 = FloatVector.fromArray(F, values, v + 2 * L, m2).fma(pj, o2);
                o3 = FloatVector.fromArray(F, values, v + 3 * L, m3).fma(pj, o3);
            }
            o0.intoArray(out, outOff + c);
            o1.intoArray(out, outOff + c + L, m1);
            o2.intoArray(out, outOff + c + 2 * L, m2);
            o3.intoArray(out, outOff + c + 3 * L, m3);
        }
    }
}
