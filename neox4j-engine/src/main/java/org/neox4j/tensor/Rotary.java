package org.neox4j.tensor;

/**
 * Rotary position embedding in the GPT-NeoX ("half-split") convention on the first
 * {@code dims} values of a head: value j pairs with j + dims/2. Frequencies and angles are
 * computed in float32 like Hugging Face ({@code inv_freq = 1 / base^(2j/dims)},
 * {@code angle = position · inv_freq}), so cached tables match the reference bit for bit
 * up to the last ulp of cos/sin.
 */
public final class Rotary {
    private final int dims;
    private final int half;
    private final float[] invFreq;
    private final float positionScale;
    private volatile float[] cos = new float[0];
    private volatile float[] sin = new float[0];

    /**
     * @param dims rotary dimensions per head (even, may be 0)
     * @param base frequency base (rotary_emb_base)
     * @param linearScale linear rope scaling factor (positions are divided by it), 1 for none
     */
    public Rotary(int dims, double base, double linearScale) {
        this.dims = dims;
        this.half = dims / 2;
        this.invFreq = new float[half];
        for (int j = 0; j < half; j++) {
            float exponent = (float) (2 * j) / (float) dims;
            invFreq[j] = (float) (1.0 / (float) Math.pow(base, exponent));
        }
        this.positionScale = (float) linearScale;
    }

    public int dims() {
        return dims;
    }

    /** Makes the cos/sin tables cover positions [0, positions). */
    public synchronized void ensure(int positions) {
        int have = cos.length / Math.max(1, half);
        if (half == 0 || positions <= have) {
            return;
        }
        int size = Math.max(positions, have * 2);
        float[] c = new float[size * half];
        float[] s = new float[size * half];
        for (int p = 0; p < size; p++) {
            float t = positionScale == 1f ? (float) p : (float) p / positionScale;
            for (int j = 0; j < half; j++) {
                float angle = t * invFreq[j];
                c[p * half + j] = (float) Math.cos(angle);
                s[p * half + j] = (float) Math.sin(angle);
            }
        }
        sin = s;
        cos = c;
    }

    /** Rotates {@code v[off .. off+dims)} in place for {@code position}; {@link #ensure} must cover it. */
    public void apply(float[] v, int off, int position) {
        float[] c = cos;
        float[] s = sin;
        int base = position * half;
        for (int j = 0; j < half; j++) {
            float x1 = v[off + j];
            float x2 = v[off + j + half];
            float cj = c[base + j];
            float sj = s[base + j];
            v[off + j] = x1 * cj + (-x2) * sj;
            v[off + j + half] = x2 * cj + x1 * sj;
        }
    }
}
