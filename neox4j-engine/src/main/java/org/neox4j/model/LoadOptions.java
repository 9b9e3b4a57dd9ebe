package org.neox4j.model;

/**
 * How to load a model.
 *
 * @param threads worker threads for the kernels (default: available processors)
 */
public record LoadOptions(int threads) {
    public LoadOptions {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 1..1024, got " + threads);
        }
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Runtime.getRuntime().availableProcessors());
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(n);
    }
}
