package org.neox4j.server;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.neox4j.generate.batch.BatchForward;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;

/**
 * The model's forward pass behind a gate, so that tests decide when steps run (no timing
 * assumptions), recording the widest batch seen. Open by default.
 */
final class GatedForward implements BatchForward {
    private final GptNeoX network;
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger widest = new AtomicInteger();
    private volatile boolean open = true;

    GatedForward(GptNeoX network) {
        this.network = network;
    }

    @Override
    public ForwardResult forward(List<GptNeoX.Chunk> chunks, ForwardOptions options) {
        if (!open) {
            permits.acquireUninterruptibly();
        }
        widest.accumulateAndGet(chunks.size(), Math::max);
        return network.forward(chunks, options);
    }

    /** From now on each step waits for a permit. */
    void close() {
        open = false;
        permits.drainPermits();
    }

    /** Lets {@code steps} more steps run while closed. */
    void allow(int steps) {
        permits.release(steps);
    }

    /** Lets every step run again. */
    void open() {
        open = true;
        permits.release(1_000_000);
    }

    int widestBatch() {
        return widest.get();
    }
}
