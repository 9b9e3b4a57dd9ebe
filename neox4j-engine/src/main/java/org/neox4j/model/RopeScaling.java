package org.neox4j.model;

/**
 * Rotary position scaling. Only linear scaling ({@code rope_scaling: {"type": "linear",
 * "factor": f}}, positions divided by f) is supported; {@link #NONE} is factor 1.
 */
public record RopeScaling(double factor) {
    public static final RopeScaling NONE = new RopeScaling(1.0);

    public RopeScaling {
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("rope scaling factor must be a finite number >= 1, got " + factor);
        }
    }
}
