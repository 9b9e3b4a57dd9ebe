package org.neox4j.cluster;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.neox4j.cluster.proto.ActivationBatch;
import org.neox4j.cluster.proto.OpenSession;
import org.neox4j.cluster.proto.ReleaseSequences;
import org.neox4j.cluster.proto.SequenceRows;
import org.neox4j.cluster.proto.SessionRequest;
import org.neox4j.cluster.proto.SessionResponse;

/**
 * The coordinator's side of one session stream to one worker. Batches go out in order and their
 * results come back in the same order, each completing the future {@link #send} returned. The
 * first error fails every outstanding batch and is reported once to the session.
 */
final class StageStream implements ClientResponseObserver<SessionRequest, SessionResponse> {
    private record Pending(long batchId, int rows, int width, CompletableFuture<float[]> result) {
    }

    private final StageClient stage;
    private final Consumer<PipelineException> onFailure;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private ClientCallStreamObserver<SessionRequest> requests;
    private PipelineException failure;
    private boolean closed;

    StageStream(StageClient stage, Consumer<PipelineException> onFailure) {
        this.stage = stage;
        this.onFailure = onFailure;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<SessionRequest> requestStream) {
        this.requests = requestStream;
    }

    synchronized void open(OpenSession open) {
        requests.onNext(SessionRequest.newBuilder().setOpen(open).build());
    }

    /** Waits for the worker to accept the session. */
    void awaitOpened(Duration timeout) {
        try {
            opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail(stage.error("did not open the session within " + timeout.toSeconds() + " s"));
            throw failure();
        } catch (ExecutionException e) {
            throw failure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stage.error("interrupted while opening the session");
        }
    }

    /** Sends rows of hidden states; the future completes with the rows after this stage's layers. */
    CompletableFuture<float[]> send(long batchId, List<SequenceRows> sequences, float[] x, int rows, int width) {
        ActivationBatch batch = ActivationBatch.newBuilder()
                .setBatchId(batchId)
                .addAllSequences(sequences)
                .setHidden(stage.options().wire().encode(x, 0, rows, width))
                .build();
        synchronized (this) {
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (closed) {
                return CompletableFuture.failedFuture(stage.error("the session is closed"));
            }
            Pending p = new Pending(batchId, rows, width, new CompletableFuture<>());
            pending.add(p);
            requests.onNext(SessionRequest.newBuilder().setBatch(batch).build());
            return p.result();
        }
    }

    /** Tells the worker to drop these sequences' caches. */
    synchronized void release(List<Long> sequenceIds) {
        if (failure == null && !closed) {
            requests.onNext(SessionRequest.newBuilder()
                    .setRelease(ReleaseSequences.newBuilder().addAllSequenceIds(sequenceIds)).build());
        }
    }

    @Override
    public void onNext(SessionResponse response) {
        switch (response.getKindCase()) {
            case OPENED -> opened.complete(null);
            case BATCH -> complete(response.getBatch());
            default -> fail(stage.error("sent an answer of unknown kind " + response.getKindCase()));
        }
    }

    private void complete(ActivationBatch batch) {
        Pending p;
        synchronized (this) {
            p = pending.poll();
        }
        if (p == null || p.batchId() != batch.getBatchId()) {
            fail(stage.error("answered batch " + batch.getBatchId() + " but " + (p == null ? "none" : "batch " + p.batchId())
                    + " was expected"));
            return;
        }
        float[] x = new float[Math.multiplyExact(p.rows(), p.width())];
        try {
            WireFormat.decode(batch.getHidden(), p.rows(), p.width(), x, 0, stage.name());
        } catch (IllegalArgumentException e) {
            fail(stage.error(e.getMessage()));
            return;
        }
        p.result().complete(x);
    }

    @Override
    public void onError(Throwable t) {
        fail(stage.error(closed ? "session ended" : "session failed", t));
    }

    @Override
    public void onCompleted() {
        boolean expected;
        synchronized (this) {
            expected = closed && pending.isEmpty();
        }
        if (!expected) {
            fail(stage.error("the worker ended the session"));
        }
    }

    /** Fails the stream: every outstanding batch, and (the first time) the session. */
    void fail(PipelineException e) {
        List<Pending> failed;
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = e;
            failed = new ArrayList<>(pending);
            pending.clear();
        }
        opened.completeExceptionally(e);
        for (Pending p : failed) {
            p.result().completeExceptionally(e);
        }
        onFailure.accept(e);
    }

    /** Cancels the call: the worker releases the session's sequences. */
    synchronized void cancel(String why) {
        if (!closed) {
            closed = true;
            requests.cancel(why, null);
        }
    }

    /** Ends the call gracefully (the worker releases the session's sequences). */
    synchronized void close() {
        if (!closed && failure == null) {
            closed = true;
            requests.onCompleted();
        }
    }

    synchronized PipelineException failure() {
        return failure;
    }

    synchronized int outstanding() {
        return pending.size();
    }

    StageClient stage() {
        return stage;
    }
}
