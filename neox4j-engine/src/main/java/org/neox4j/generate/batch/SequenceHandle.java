package org.neox4j.generate.batch;

/** A submitted sequence, from the caller's side. */
public final class SequenceHandle {
    private final BatchScheduler scheduler;
    private final Sequence sequence;

    SequenceHandle(BatchScheduler scheduler, Sequence sequence) {
        this.scheduler = scheduler;
        this.sequence = sequence;
    }

    /** The scheduler's id of the sequence (unique per scheduler). */
    public long id() {
        return sequence.id;
    }

    /**
     * Stops the sequence: a waiting one leaves the queue, a running one leaves the batch at the
     * next step; its cache is released and its listener gets {@code onEnd(CANCELLED)}. No effect
     * once it has ended.
     */
    public void cancel() {
        scheduler.cancel(sequence);
    }
}
