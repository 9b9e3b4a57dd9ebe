package org.neox4j.model;

/**
 * Where the forward pass tells the memory policy which weights it is about to use and which it
 * is done with, at layer granularity. The output head counts as one more stage after the last
 * layer. With memory-mapped or resident weights this does nothing; streaming uses it to read
 * the next layers ahead and release the ones behind.
 */
public interface LayerResidency extends AutoCloseable {
    LayerResidency NONE = new LayerResidency() {
        @Override
        public void enter(int stage) {
        }

        @Override
        public void leave(int stage) {
        }

        @Override
        public String describe() {
            return "no residency control";
        }
    };

    /** Stage {@code stage} (a layer index, or the layer count for the head) is about to be computed: its weights must be in memory. */
    void enter(int stage);

    /** Stage {@code stage} is done for this forward pass. */
    void leave(int stage);

    /** What this policy keeps resident, for {@code info} and {@code --verbose}. */
    String describe();

    @Override
    default void close() {
    }
}
