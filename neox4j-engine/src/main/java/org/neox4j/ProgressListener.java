package org.neox4j;

/**
 * Receives progress of a long operation (download, conversion, quantization, loading). The CLI
 * draws a progress bar from it; library users may log it or ignore it ({@link #NONE}).
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void advance(long delta) {
        }

        @Override
        public void finish() {
        }
    };

    /** A new task of {@code total} units (bytes, tensors, ...); {@code total} is -1 when unknown. */
    void start(String task, long total);

    /** {@code delta} more units are done; may be called from several threads. */
    void advance(long delta);

    /** The current task is complete. */
    void finish();
}
