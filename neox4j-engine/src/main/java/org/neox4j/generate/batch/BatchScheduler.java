package org.neox4j.generate.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SequenceState;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.KvCache;

/**
 * Continuous batching: one thread advances every running sequence together, one batched forward
 * pass per step, so a single read of the weights serves them all. New sequences join between
 * steps (their prompt as a prefill chunk of the same pass), finished and cancelled ones leave.
 *
 * <p>Each running sequence holds a KV cache of {@code min(prompt + maxNewTokens, context)}
 * positions, reserved from a byte budget when it is admitted. Requests that find no batch slot or
 * no memory wait in a bounded FIFO queue; beyond it, {@link #submit} throws a
 * {@link RejectedException}. Thread-safe: submit and cancel from any thread.
 */
public final class BatchScheduler implements AutoCloseable {
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LanguageModel model;
    private final ForwardPass network;
    private final BatchOptions options;
    private final BatchStep step;
    private final Set<Integer> eos;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> admitted = new ArrayList<>();
    private long kvReserved;
    private int active;
    private boolean closed;

    // scheduler thread only
    private final List<Sequence> running = new ArrayList<>();
    private Thread thread;

    private BatchScheduler(LanguageModel model, BatchOptions options, BatchForward forward) {
        this.model = model;
        this.network = model.network();
        this.options = options;
        this.step = new BatchStep(forward, model.model().network().pool(), network.config().vocabSize());
        this.eos = new HashSet<>(model.config().eosTokenIds());
    }

    /** Starts a scheduler over {@code model}'s forward pass. */
    public static BatchScheduler start(LanguageModel model, BatchOptions options) {
        ForwardPass network = model.network();
        return start(model, options, network::forward);
    }

    /** Starts a scheduler that calls {@code forward} for each step (instrumentation, tests). */
    public static BatchScheduler start(LanguageModel model, BatchOptions options, BatchForward forward) {
        BatchScheduler s = new BatchScheduler(model, options, forward);
        s.thread = Thread.ofPlatform().daemon().name("neox4j-batch-scheduler").start(s::loop);
        return s;
    }

    public BatchOptions options() {
        return options;
    }

    /** KV cache positions a request with this prompt and token limit gets. */
    public int capacityFor(int promptTokens, int maxNewTokens) {
        return (int) Math.min((long) promptTokens + maxNewTokens, options.context());
    }

    /**
     * Submits a sequence. It starts at the next step if a batch slot and cache memory are free,
     * else it waits in the queue.
     *
     * @throws RejectedException the queue is full, the request needs more cache than the whole
     *     budget, or the scheduler is closed
     * @throws IllegalArgumentException invalid prompt (empty, ids outside the vocabulary, longer than the context)
     */
    public SequenceHandle submit(SequenceRequest request, SequenceListener listener) {
        int capacity = capacityFor(request.prompt().length, request.params().maxNewTokens());
        // validates the prompt: not empty, ids in the vocabulary, no longer than the capacity
        SequenceState state = new SequenceState(model.tokenizer().orElse(null), request.prompt(), request.params(), eos,
                network.config().vocabSize(), capacity);
        long bytes = KvCache.bytesFor(network.config(), capacity);
        Sequence s = new Sequence(ids.incrementAndGet(), request, state, listener, capacity, bytes);
        lock.lock();
        try {
            if (closed) {
                throw new RejectedException(RejectedException.Reason.CLOSED, "the scheduler is shut down");
            }
            if (bytes > options.kvBudgetBytes()) {
                throw new RejectedException(RejectedException.Reason.TOO_LARGE, "the request needs " + bytes
                        + " bytes of KV cache (" + capacity + " positions), more than the whole budget of "
                        + options.kvBudgetBytes() + " bytes");
            }
            if (waiting.isEmpty() && fits(s)) {
                admit(s);
            } else if (waiting.size() < options.maxQueue()) {
                waiting.add(s);
            } else {
                throw new RejectedException(RejectedException.Reason.QUEUE_FULL, "the server is busy: " + active
                        + " sequences running and " + waiting.size() + " waiting (the queue limit); retry later");
            }
            work.signal();
        } finally {
            lock.unlock();
        }
        return new SequenceHandle(this, s);
    }

    void cancel(Sequence s) {
        s.cancelled = true;
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Sequences running or about to join the next step. */
    public int running() {
        lock.lock();
        try {
            return active;
        } finally {
            lock.unlock();
        }
    }

    /** Sequences waiting for a place. */
    public int queued() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** KV cache bytes reserved by running sequences. */
    public long kvBytesInUse() {
        lock.lock();
        try {
            return kvReserved;
        } finally {
            lock.unlock();
        }
    }

    /** Forward passes run so far. */
    public long steps() {
        return steps.get();
    }

    private boolean fits(Sequence s) {
        return active < options.maxBatch() && kvReserved + s.kvBytes <= options.kvBudgetBytes();
    }

    private void admit(Sequence s) {
        active++;
        kvReserved += s.kvBytes;
        admitted.add(s);
    }

    private void loop() {
        List<Sequence> ended = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (!closed && running.isEmpty() && admitted.isEmpty() && waiting.isEmpty()) {
                    work.awaitNanos(IDLE_WAIT_NANOS);
                }
                if (closed) {
                    break;
                }
                for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
                    Sequence s = it.next();
                    if (s.cancelled) {
                        it.remove();
                        ended.add(s);
                    }
                }
                running.addAll(admitted);
                admitted.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                lock.unlock();
            }
            for (Sequence s : ended) {
                deliverEnd(s, s.end(SequenceEnd.Outcome.CANCELLED, null));
            }
            ended.clear();
            prepareRunning();
            if (!running.isEmpty()) {
                runStep();
            } else {
                waitForWork();
            }
        }
        shutdown();
    }

    /** Drops cancelled sequences and gives joining ones their cache. */
    private void prepareRunning() {
        for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled) {
                it.remove();
                release(s, s.end(SequenceEnd.Outcome.CANCELLED, null));
            } else if (s.state.finished() && !s.wantsPromptLogits()) {
                // nothing to generate (max tokens 0) and no prompt log-probabilities to compute
                it.remove();
                release(s, s.end(SequenceEnd.Outcome.FINISHED, null));
            } else if (s.cache == null) {
                try {
                    s.cache = network.newCache(s.capacity);
                } catch (OutOfMemoryError e) {
                    it.remove();
                    release(s, s.end(SequenceEnd.Outcome.FAILED, "out of memory allocating a KV cache of " + s.kvBytes + " bytes"));
                }
            }
        }
    }

    private void runStep() {
        try {
            step.run(running);
            steps.incrementAndGet();
        } catch (RuntimeException e) {
            String message = "forward pass failed: " + e.getMessage();
            for (Sequence s : running) {
                release(s, s.end(SequenceEnd.Outcome.FAILED, message));
            }
            running.clear();
            return;
        }
        for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.failure != null) {
                it.remove();
                release(s, s.end(SequenceEnd.Outcome.FAILED, s.failure));
                continue;
            }
            try {
                if (s.promptLogprobs != null) {
                    s.listener.onPromptLogprobs(s.promptLogprobs);
                }
                if (s.token != null) {
                    s.listener.onToken(s.token, s.tokenLogprobs);
                }
            } catch (RuntimeException e) {
                s.cancelled = true;
            }
            if (s.state.finished() || s.cancelled) {
                it.remove();
                release(s, s.end(s.cancelled ? SequenceEnd.Outcome.CANCELLED : SequenceEnd.Outcome.FINISHED, null));
            }
        }
    }

    /** Waits briefly when nothing can run now (all admitted sequences were cancelled). */
    private void waitForWork() {
        lock.lock();
        try {
            if (!closed && admitted.isEmpty() && waiting.stream().noneMatch(s -> s.cancelled)) {
                work.awaitNanos(IDLE_WAIT_NANOS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Frees a sequence's place and cache, admits waiting ones that now fit, then tells its listener. */
    private void release(Sequence s, SequenceEnd end) {
        if (s.cache != null) {
            network.release(s.cache); // a pipeline's workers drop their part of the cache
        }
        s.cache = null;
        lock.lock();
        try {
            active--;
            kvReserved -= s.kvBytes;
            while (!waiting.isEmpty() && fits(waiting.peek())) {
                admit(waiting.poll()); // a cancelled one leaves again at the next step
            }
        } finally {
            lock.unlock();
        }
        deliverEnd(s, end);
    }

    private static void deliverEnd(Sequence s, SequenceEnd end) {
        try {
            s.listener.onEnd(end);
        } catch (RuntimeException e) {
            // a listener's failure cannot be reported anywhere better; the sequence is gone either way
        }
    }

    private void shutdown() {
        List<Sequence> all = new ArrayList<>(running);
        running.clear();
        lock.lock();
        try {
            all.addAll(admitted);
            all.addAll(waiting);
            admitted.clear();
            waiting.clear();
            active = 0;
            kvReserved = 0;
        } finally {
            lock.unlock();
        }
        for (Sequence s : all) {
            deliverEnd(s, s.end(SequenceEnd.Outcome.FAILED, "the server is shutting down"));
        }
    }

    /** Stops the loop after the current step; sequences still present end as FAILED. Waits up to 30 s. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
