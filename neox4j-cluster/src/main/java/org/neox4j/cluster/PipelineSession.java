package org.neox4j.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.neox4j.cluster.proto.OpenSession;

/**
 * One session across all workers: a stream to each, the ids of its sequences and batches. It
 * fails as a whole: the first error of any stream (or a missed deadline, or missed health checks)
 * cancels the streams to every worker, which release the session's caches, and fails every
 * request in flight with that first error. The next request opens a new session.
 */
final class PipelineSession {
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final List<StageStream> streams = new ArrayList<>();
    private final AtomicLong sequenceIds = new AtomicLong();
    private final AtomicLong batchIds = new AtomicLong();
    private final AtomicInteger[] healthMisses;
    private volatile PipelineException failure;

    private PipelineSession(int stages) {
        healthMisses = new AtomicInteger[stages];
        for (int i = 0; i < stages; i++) {
            healthMisses[i] = new AtomicInteger();
        }
    }

    /** Opens a stream to every stage and waits until each worker accepted the session. */
    static PipelineSession open(List<StageClient> stages, String fingerprint, PipelineOptions options) {
        PipelineSession session = new PipelineSession(stages.size());
        try {
            for (StageClient stage : stages) {
                var d = stage.describe();
                StageStream stream = stage.openStream(session::fail);
                session.streams.add(stream);
                stream.open(OpenSession.newBuilder()
                        .setSessionId(session.id)
                        .setConfigFingerprint(fingerprint)
                        .setFirstLayer(d.getFirstLayer())
                        .setEndLayer(d.getEndLayer())
                        .setReplyDtype(options.wire().proto())
                        .build());
            }
            for (StageStream stream : session.streams) {
                stream.awaitOpened(options.connectTimeout());
            }
            return session;
        } catch (PipelineException e) {
            session.fail(e);
            throw e;
        }
    }

    /** Fails the session (the first failure wins) and cancels every stream. */
    void fail(PipelineException e) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = e;
        }
        for (StageStream s : streams) {
            s.cancel("pipeline session " + id + " failed: " + e.getMessage());
        }
    }

    /** The first failure, or null while the session works. */
    PipelineException failure() {
        return failure;
    }

    boolean isBroken() {
        return failure != null;
    }

    List<StageStream> streams() {
        return streams;
    }

    long newSequenceId() {
        return sequenceIds.incrementAndGet();
    }

    long newBatchId() {
        return batchIds.incrementAndGet();
    }

    /** Frees a sequence's caches on every worker (nothing to do once the session failed: they are gone). */
    void release(long sequenceId) {
        if (failure == null) {
            for (StageStream s : streams) {
                s.release(List.of(sequenceId));
            }
        }
    }

    /** Records a health check of stage {@code i}; returns the misses in a row so far. */
    int healthResult(int i, boolean ok) {
        if (ok) {
            healthMisses[i].set(0);
            return 0;
        }
        return healthMisses[i].incrementAndGet();
    }

    /** Ends the session gracefully: the workers release its sequences. */
    void close() {
        for (StageStream s : streams) {
            s.close();
        }
    }

    String id() {
        return id;
    }
}
