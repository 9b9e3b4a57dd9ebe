package org.neox4j.model;

/**
 * How to load a model.
 *
 * @param threads worker threads for the kernels (default: available processors)
 * @param part which weights to load (default: the whole model; a pipeline stage loads a share)
 */
public record LoadOptions(int threads, ModelPart part) {
    public LoadOptions {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 1..1024, got " + threads);
        }
        if (part == null) {
            throw new IllegalArgumentException("the model part must be given (ModelPart.WHOLE for all of it)");
        }
    }

    public LoadOptions(int threads) {
        this(threads, ModelPart.WHOLE);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Runtime.getRuntime().availableProcessors());
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(n, part);
    }

    public LoadOptions withPart(ModelPart p) {
        return new LoadOptions(threads, p);
    }
}
