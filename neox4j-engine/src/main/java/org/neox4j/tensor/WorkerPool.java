package org.neox4j.tensor;

import java.util.concurrent.Semaphore;

/**
 * A fixed set of worker threads that split loops by index ranges. The calling thread takes the
 * first range itself, so a pool of {@code n} threads uses {@code n - 1} workers. Nothing is
 * allocated per call, so the decode loop creates no garbage here.
 */
public final class WorkerPool implements AutoCloseable {

    /** The body of a parallel loop over {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final WorkerPool SINGLE = new WorkerPool(1);

    private final int threads;
    private final Thread[] workers;
    private final Semaphore[] go;
    private final Semaphore done = new Semaphore(0);
    private final Object lock = new Object();
    private volatile RangeTask task;
    private volatile int total;
    private volatile int chunks;
    private volatile int grain;
    private volatile boolean closed;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 1..1024, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.go = new Semaphore[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            go[i] = new Semaphore(0);
            workers[i] = Thread.ofPlatform().daemon().name("neox4j-worker-" + index).start(() -> workLoop(index));
        }
    }

    /** A pool that runs everything on the calling thread. */
    public static WorkerPool single() {
        return SINGLE;
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over {@code [0, n)} split into at most {@link #threads()} contiguous ranges. */
    public void parallelFor(int n, RangeTask task) {
        parallelFor(n, 1, task);
    }

    /**
     * Like {@link #parallelFor(int, RangeTask)}, with range boundaries on multiples of {@code grain}
     * (except the end), and no more ranges than there are grains.
     */
    public void parallelFor(int n, int grain, RangeTask task) {
        if (n <= 0) {
            return;
        }
        int grains = (n + grain - 1) / grain;
        int parts = Math.min(threads, grains);
        if (parts == 1) {
            task.run(0, n);
            return;
        }
        synchronized (lock) {
            this.task = task;
            this.total = n;
            this.chunks = parts;
            this.grain = grain;
            this.failure = null;
            for (int i = 1; i < parts; i++) {
                go[i - 1].release();
            }
            Throwable own = null;
            try {
                runChunk(0);
            } catch (Throwable t) {
                own = t;
            }
            done.acquireUninterruptibly(parts - 1);
            this.task = null;
            Throwable failed = own != null ? own : failure;
            if (failed instanceof RuntimeException e) {
                throw e;
            } else if (failed instanceof Error e) {
                throw e;
            } else if (failed != null) {
                throw new RuntimeException(failed);
            }
        }
    }

    private void runChunk(int index) {
        int grains = (total + grain - 1) / grain;
        int start = (int) ((long) grains * index / chunks) * grain;
        int end = Math.min(total, (int) ((long) grains * (index + 1) / chunks) * grain);
        if (start < end) {
            task.run(start, end);
        }
    }

    private void workLoop(int index) {
        while (true) {
            go[index - 1].acquireUninterruptibly();
            if (closed) {
                return;
            }
            try {
                runChunk(index);
            } catch (Throwable t) {
                failure = t;
            } finally {
                done.release();
            }
        }
    }

    @Override
    public void close() {
        if (this == SINGLE || closed) {
            return;
        }
        closed = true;
        for (Semaphore s : go) {
            s.release();
        }
    }
}
