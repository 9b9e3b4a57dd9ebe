package org.neox4j.cli;

import java.util.concurrent.atomic.AtomicLong;
import org.neox4j.ProgressListener;

/** Progress as plain lines on stderr, one per 10%: enough for long synth runs, and safe in logs. */
final class ProgressLines implements ProgressListener {
    private final AtomicLong done = new AtomicLong();
    private volatile String task;
    private volatile long total;
    private volatile int lastTenth;
    private volatile long startNanos;

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.done.set(0);
        this.lastTenth = 0;
        this.startNanos = System.nanoTime();
        System.err.println(task + "...");
    }

    @Override
    public void advance(long delta) {
        long d = done.addAndGet(delta);
        if (total > 0) {
            int tenth = (int) (10 * d / total);
            if (tenth > lastTenth) {
                lastTenth = tenth;
                System.err.printf("%s: %d%% (%.0f s)%n", task, tenth * 10, (System.nanoTime() - startNanos) * 1e-9);
            }
        }
    }

    @Override
    public void finish() {
        System.err.printf("%s: done in %.1f s%n", task, (System.nanoTime() - startNanos) * 1e-9);
    }
}
