package org.neox4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that split loops by index ranges. The calling thread takes the
 * first range itself, so a pool of {@code n} threads uses {@code n - 1} workers.
 *
 * <p>Decoding one token issues a few hundred parallel loops of ~50-500 µs each, so waking a
 * parked thread (tens of µs through the kernel) would cost several percent. Workers therefore
 * spin on a job counter for a while after each job ({@link #SPIN_NANOS}) and park only when
 * the pool stays idle. Nothing is allocated per call: tasks are reusable objects (see the
 * kernels), and the hand-over is a volatile counter plus an atomic countdown.
 */
public final class WorkerPool implements AutoCloseable {

    /** The body of a parallel loop over {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    /** How long an idle worker spins before parking: longer than the gap between two loops of a decode step. */
    private static final long SPIN_NANOS = 2_000_000;

    private static final WorkerPool SINGLE = new WorkerPool(1);

    private final int threads;
    private final Thread[] workers;
    /** 1 while worker i+1 is parked or about to park; volatile reads/writes make the hand-shake safe. */
    private final AtomicIntegerArray parked;
    private final AtomicInteger pending = new AtomicInteger();
    private final Object lock = new Object();
    private volatile long job;
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
        this.parked = new AtomicIntegerArray(Math.max(0, threads - 1));
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
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
            if (closed) {
                throw new IllegalStateException("worker pool is closed");
            }
            this.task = task;
            this.total = n;
            this.chunks = parts;
            this.grain = grain;
            this.failure = null;
            // every worker acknowledges every job, also those with no range in it: a worker that
            // noticed this job only after the caller had moved on could otherwise read the next
            // job's fields before that job is published, and run a range twice or too late
            pending.set(threads - 1);
            job++; // publishes the fields above to the spinning workers
            wakeParked();
            Throwable own = null;
            try {
                runChunk(0);
            } catch (Throwable t) {
                own = t;
            }
            awaitWorkers();
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

    private void wakeParked() {
        for (int i = 0; i < workers.length; i++) {
            if (parked.get(i) != 0) {
                LockSupport.unpark(workers[i]);
            }
        }
    }

    private void awaitWorkers() {
        int spins = 0;
        while (pending.get() != 0) {
            if ((++spins & 255) != 0) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a worker may be descheduled (busy machine, more threads than cores): let it run
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
        long seen = 0;
        while (true) {
            long current = awaitJob(index, seen);
            if (closed) {
                return;
            }
            seen = current;
            try {
                if (index < chunks) {
                    runChunk(index);
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    /** Spins, then parks, until a job newer than {@code seen} is published or the pool closes. */
    private long awaitJob(int index, long seen) {
        long spinStart = System.nanoTime();
        int spins = 0;
        while (true) {
            long current = job;
            if (current != seen || closed) {
                return current;
            }
            if ((++spins & 255) != 0) {
                Thread.onSpinWait();
                continue;
            }
            if (System.nanoTime() - spinStart < SPIN_NANOS) {
                Thread.yield(); // cheap when the core is ours; gives it up when another thread needs it
                continue;
            }
            // Dekker-style hand-shake on volatiles: announce, re-check, then park.
            parked.set(index - 1, 1);
            if (job == seen && !closed) {
                LockSupport.park(this);
            }
            parked.set(index - 1, 0);
            spinStart = System.nanoTime();
        }
    }

    @Override
    public void close() {
        if (this == SINGLE || closed) {
            return;
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
