package org.neox4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.neox4j.ProgressListener;

/**
 * Progress of a long command as plain lines on stderr ({@code perplexity: 1024/4096 tokens (25%)}),
 * at most one every two seconds plus one at the end. A stand-in for the CLI's progress bar
 * ({@code ProgressBar.items}) until that is on this branch; the commands only see a
 * {@link ProgressListener}.
 */
final class ProgressLines implements ProgressListener {
    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream err;
    private final String unit;
    private final AtomicLong done = new AtomicLong();
    private volatile String task = "";
    private volatile long total = -1;
    private volatile long started;
    private volatile long lastPrinted;

    ProgressLines(PrintStream err, String unit) {
        this.err = err;
        this.unit = unit;
    }

    /** Lines on the current {@code System.err}, counting {@code unit}s (tokens, requests). */
    static ProgressLines items(String unit) {
        return new ProgressLines(System.err, unit);
    }

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.done.set(0);
        this.started = System.nanoTime();
        this.lastPrinted = started;
    }

    @Override
    public void advance(long delta) {
        long now = System.nanoTime();
        long d = done.addAndGet(delta);
        if (now - lastPrinted >= INTERVAL_NANOS) {
            lastPrinted = now;
            print(d, now);
        }
    }

    @Override
    public void finish() {
        print(done.get(), System.nanoTime());
    }

    private synchronized void print(long d, long now) {
        double seconds = (now - started) / 1e9;
        String of = total >= 0 ? String.format(Locale.ROOT, "/%d %s (%.0f%%)", total, unit, total == 0 ? 100.0 : 100.0 * d / total)
                : " " + unit;
        err.printf(Locale.ROOT, "%s: %d%s, %.1f s%n", task, d, of, seconds);
        err.flush();
    }
}
