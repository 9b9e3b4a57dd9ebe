package org.neox4j.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.neox4j.generate.GeneratedToken;
import org.neox4j.generate.TokenLogprobs;
import org.neox4j.generate.batch.BatchScheduler;
import org.neox4j.generate.batch.RejectedException;
import org.neox4j.generate.batch.SequenceEnd;
import org.neox4j.generate.batch.SequenceHandle;
import org.neox4j.generate.batch.SequenceListener;
import org.neox4j.generate.batch.SequenceRequest;

/**
 * The sequences of one HTTP request (its choices), submitted to the scheduler, with their output
 * funnelled into one queue that the request's own thread reads: the scheduler thread never waits
 * on a client. A deadline bounds the whole run; on timeout or client disconnect every choice is
 * cancelled, which frees its KV cache at the scheduler's next step.
 */
final class GenerationRun implements AutoCloseable {

    sealed interface Event {
        int choice();
    }

    record PromptLogprobs(int choice, List<TokenLogprobs> logprobs) implements Event {
    }

    record Token(int choice, GeneratedToken token, TokenLogprobs logprobs) implements Event {
    }

    record End(int choice, SequenceEnd end) implements Event {
    }

    private final BatchScheduler scheduler;
    private final ServerMetrics metrics;
    private final long deadline;
    private final Duration timeout;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<SequenceHandle> handles = new ArrayList<>();
    private int open;

    GenerationRun(BatchScheduler scheduler, ServerMetrics metrics, Duration timeout) {
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /** Submits every choice, or none: a rejection cancels those already submitted. */
    void submit(List<SequenceRequest> choices) {
        try {
            for (int i = 0; i < choices.size(); i++) {
                handles.add(scheduler.submit(choices.get(i), new Listener(i)));
                open++;
            }
        } catch (RejectedException e) {
            cancel();
            throw switch (e.reason()) {
                case QUEUE_FULL -> new ApiException(429, "rate_limit_error", null, "server_busy", e.getMessage());
                case TOO_LARGE -> new ApiException(400, "invalid_request_error", "max_tokens", "kv_cache_budget_exceeded",
                        e.getMessage() + "; reduce max_tokens or the prompt");
                case CLOSED -> new ApiException(503, "server_error", null, "shutting_down", "the server is shutting down");
            };
        } catch (IllegalArgumentException | org.neox4j.Neox4jException e) {
            cancel(); // an invalid prompt (the endpoints check lengths first, so this is a safety net)
            throw ApiException.invalid("prompt", e.getMessage());
        }
    }

    /** The next event, or null once every choice has ended. */
    Event next() throws InterruptedException {
        if (open == 0) {
            return null;
        }
        long left = deadline - System.nanoTime();
        Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : events.poll();
        if (e == null) {
            cancel();
            throw new ApiException(408, "timeout_error", null, "request_timeout",
                    "the request took longer than the server's limit of " + timeout.toSeconds() + " s (--request-timeout)");
        }
        if (e instanceof End) {
            open--;
        }
        return e;
    }

    /** Cancels every choice still running (a no-op for those that ended). */
    void cancel() {
        for (SequenceHandle h : handles) {
            h.cancel();
        }
    }

    @Override
    public void close() {
        if (open > 0) {
            cancel();
        }
    }

    /** Runs on the scheduler thread: records metrics and queues the event, never blocks. */
    private final class Listener implements SequenceListener {
        private final int choice;
        private long last = System.nanoTime();
        private boolean first = true;

        Listener(int choice) {
            this.choice = choice;
        }

        @Override
        public void onPromptLogprobs(List<TokenLogprobs> logprobs) {
            events.add(new PromptLogprobs(choice, logprobs));
        }

        @Override
        public void onToken(GeneratedToken token, TokenLogprobs logprobs) {
            long now = System.nanoTime();
            metrics.token(first, now - last);
            first = false;
            last = now;
            events.add(new Token(choice, token, logprobs));
        }

        @Override
        public void onEnd(SequenceEnd end) {
            metrics.sequenceEnded(end.outcome());
            events.add(new End(choice, end));
        }
    }
}
