package org.neox4j.model;

import org.neox4j.tensor.Gelu;
import org.neox4j.tensor.WorkerPool;

/** The MLP activation over a range of values: a reused parallel task, so decoding allocates no lambda. */
final class ActivationTask implements WorkerPool.RangeTask {
    /** Values per range: enough work per hand-off, and decode's 8192 values still split across threads. */
    static final int GRAIN = 1024;
    private final Activation kind;
    float[] values;

    ActivationTask(Activation kind) {
        this.kind = kind;
    }

    @Override
    public void run(int start, int end) {
        switch (kind) {
            case GELU -> Gelu.exact(values, start, end - start);
            case GELU_FAST -> Gelu.fast(values, start, end - start);
            case GELU_NEW -> Gelu.tanhApproximation(values, start, end - start);
        }
    }
}
