package org.neox4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.neox4j.ProgressListener;

/**
 * Draws the progress of a {@link ProgressListener} task on stderr: done and total (bytes or items),
 * percentage, speed and time left. On a terminal it redraws one line in place at most
 * {@value #REDRAWS_PER_SECOND} times a second; otherwise (a log file, a pipe) it prints a plain line now
 * and then. {@link #advance} may be called from many threads at once.
 */
public final class ProgressBar implements ProgressListener {
    /** What is counted: bytes (shown in KiB, MiB, GiB) or items with a name ("tensors"). */
    public record Unit(String name, boolean bytes) {
        public static final Unit BYTES = new Unit("B", true);

        public static Unit items(String name) {
            return new Unit(name, false);
        }
    }

    static final int REDRAWS_PER_SECOND = 10;
    private static final long TERMINAL_INTERVAL = TimeUnit.SECONDS.toNanos(1) / REDRAWS_PER_SECOND;
    private static final long PLAIN_INTERVAL = TimeUnit.SECONDS.toNanos(10);
    private static final int BAR_WIDTH = 24;
    private static final int MAX_TASK_WIDTH = 32;

    private final PrintWriter out;
    private final Unit unit;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long interval;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastDraw = new AtomicLong();
    private volatile boolean active;
    private String task = "";
    private long total = -1;
    private long startNanos;
    private int lastWidth;

    /** A bar on {@code out}; {@code terminal} chooses in-place redraws; {@code clock} gives nanoseconds (for tests). */
    public ProgressBar(PrintWriter out, Unit unit, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.unit = unit;
        this.terminal = terminal;
        this.clock = clock;
        this.interval = terminal ? TERMINAL_INTERVAL : PLAIN_INTERVAL;
    }

    /** A bar counting bytes on {@code err}, redrawn in place when stderr is a terminal. */
    public static ProgressBar bytes(PrintWriter err) {
        return new ProgressBar(err, Unit.BYTES, stderrIsTerminal(), System::nanoTime);
    }

    /** A bar counting {@code itemName} (e.g. "tensors") on {@code err}. */
    public static ProgressBar items(PrintWriter err, String itemName) {
        return new ProgressBar(err, Unit.items(itemName), stderrIsTerminal(), System::nanoTime);
    }

    @Override
    public synchronized void start(String task, long total) {
        if (active) {
            finish();
        }
        this.task = task.length() > MAX_TASK_WIDTH ? "..." + task.substring(task.length() - MAX_TASK_WIDTH + 3) : task;
        this.total = total;
        this.startNanos = clock.getAsLong();
        this.lastWidth = 0;
        done.set(0);
        lastDraw.set(startNanos);
        active = true;
        draw(false);
    }

    @Override
    public void advance(long delta) {
        done.addAndGet(delta);
        long now = clock.getAsLong();
        long last = lastDraw.get();
        if (active && now - last >= interval && lastDraw.compareAndSet(last, now)) {
            synchronized (this) {
                if (active) {
                    draw(false);
                }
            }
        }
    }

    @Override
    public synchronized void finish() {
        if (!active) {
            return;
        }
        draw(true);
        active = false;
    }

    private void draw(boolean last) {
        long elapsed = clock.getAsLong() - startNanos;
        String line = last ? summary(elapsed) : status(elapsed);
        if (terminal) {
            int pad = Math.max(0, lastWidth - line.length());
            out.print("\r" + line + " ".repeat(pad) + (last ? System.lineSeparator() : ""));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** e.g. {@code org/model  45% [##########..............] 144.0 MiB / 320.0 MiB  26.0 MiB/s  ETA 0:07}. */
    String status(long elapsedNanos) {
        long count = done.get();
        double rate = rate(count, elapsedNanos);
        StringBuilder line = new StringBuilder(task);
        if (total > 0) {
            double fraction = Math.min(1.0, (double) count / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line.append(String.format(Locale.ROOT, " %3d%% [", (int) Math.floor(fraction * 100)))
                    .append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(amount(count)).append(" / ").append(amount(total));
        } else {
            line.append("  ").append(amount(count));
        }
        line.append("  ").append(rate > 0 ? amount(rate) + "/s" : "--/s");
        if (total > 0 && rate > 0 && count < total) {
            line.append("  ETA ").append(duration((total - count) / rate));
        }
        return line.toString();
    }

    /** e.g. {@code org/model  320.0 MiB in 0:12 (26.0 MiB/s)}. */
    String summary(long elapsedNanos) {
        long count = done.get();
        double seconds = elapsedNanos / 1e9;
        double rate = rate(count, elapsedNanos);
        return task + "  " + amount(count) + " in " + duration(seconds) + (rate > 0 ? " (" + amount(rate) + "/s)" : "");
    }

    private static double rate(long count, long elapsedNanos) {
        return elapsedNanos <= 0 ? 0 : count / (elapsedNanos / 1e9);
    }

    /** {@code value} in the bar's unit: bytes in binary units (KiB, MiB, ...), items as a count and their name. */
    private String amount(double value) {
        if (unit.bytes()) {
            return Sizes.human(Math.round(value));
        }
        return (value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value))
                + " " + unit.name();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Whether stderr is a terminal (on Linux: fd 2 is a tty; elsewhere: the JVM has an interactive console). */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            if (Files.isSymbolicLink(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (java.io.IOException | SecurityException | UnsupportedOperationException e) {
            // fall through to the console check
        }
        return System.console() != null && System.console().isTerminal();
    }
}
