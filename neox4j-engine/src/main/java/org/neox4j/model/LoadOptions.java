package org.neox4j.model;

import org.neox4j.tensor.DType;

/**
 * How to load a model.
 *
 * @param threads worker threads for the kernels (default: available processors)
 * @param weightsDtype storage dtype for the weight matrices (embeddings, attention, MLP, head),
 *     or null to use them as stored. Converting quantizes (or widens/narrows) at load into
 *     off-heap memory: the model then keeps that many bytes resident (e.g. Q4_0: 0.5625 bytes
 *     per weight) while the mapped source file is only read once. A matrix whose rows are not
 *     whole 32-value blocks keeps its stored dtype (as llama.cpp does).
 */
public record LoadOptions(int threads, DType weightsDtype) {
    public LoadOptions {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 1..1024, got " + threads);
        }
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Runtime.getRuntime().availableProcessors(), null);
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(n, weightsDtype);
    }

    public LoadOptions withWeightsDtype(DType type) {
        return new LoadOptions(threads, type);
    }
}
