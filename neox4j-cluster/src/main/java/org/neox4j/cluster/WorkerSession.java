package org.neox4j.cluster;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.neox4j.Neox4jException;
import org.neox4j.cluster.proto.ActivationBatch;
import org.neox4j.cluster.proto.OpenSession;
import org.neox4j.cluster.proto.SequenceRows;
import org.neox4j.cluster.proto.SessionOpened;
import org.neox4j.cluster.proto.SessionRequest;
import org.neox4j.cluster.proto.SessionResponse;
import org.neox4j.model.ContextOverflowException;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.KvCache;

/**
 * A worker's side of one session stream: the KV caches of the session's sequences for this
 * worker's layers, and the batches that run through them. gRPC delivers one message at a time, in
 * order. Every sequence is released when the stream ends, whichever side ends it or fails.
 */
final class WorkerSession implements StreamObserver<SessionRequest> {
    private final StageService stage;
    private final StreamObserver<SessionResponse> out;
    private final Map<Long, KvCache> sequences = new ConcurrentHashMap<>();
    private String id = "(not opened)";
    private WireFormat replyFormat;
    private boolean ended;

    WorkerSession(StageService stage, StreamObserver<SessionResponse> out) {
        this.stage = stage;
        this.out = out;
    }

    @Override
    public void onNext(SessionRequest request) {
        if (ended) {
            return;
        }
        try {
            switch (request.getKindCase()) {
                case OPEN -> open(request.getOpen());
                case BATCH -> out.onNext(SessionResponse.newBuilder().setBatch(run(request.getBatch())).build());
                case RELEASE -> request.getRelease().getSequenceIdsList().forEach(this::release);
                case KIND_NOT_SET -> throw Status.INVALID_ARGUMENT.withDescription("empty session request").asRuntimeException();
            }
        } catch (StatusRuntimeException e) {
            fail(e.getStatus());
        } catch (ContextOverflowException e) {
            fail(Status.OUT_OF_RANGE.withDescription(e.getMessage()));
        } catch (Neox4jException | IllegalArgumentException e) {
            fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(Status.INTERNAL.withDescription(stage.name() + ": " + e).withCause(e));
        }
    }

    private void open(OpenSession open) {
        if (replyFormat != null) {
            throw Status.FAILED_PRECONDITION.withDescription("session " + id + " is already open").asRuntimeException();
        }
        if (!open.getConfigFingerprint().equals(stage.fingerprint()) || open.getFirstLayer() != stage.firstLayer()
                || open.getEndLayer() != stage.endLayer()) {
            throw Status.FAILED_PRECONDITION.withDescription("this worker serves layers " + stage.firstLayer() + "-"
                    + stage.endLayer() + " of model " + stage.fingerprint() + "; the coordinator expects layers "
                    + open.getFirstLayer() + "-" + open.getEndLayer() + " of model " + open.getConfigFingerprint())
                    .asRuntimeException();
        }
        replyFormat = WireFormat.of(open.getReplyDtype());
        id = open.getSessionId();
        stage.log("session " + id + " opened");
        out.onNext(SessionResponse.newBuilder().setOpened(SessionOpened.newBuilder().setSessionId(id)).build());
    }

    /** Runs this worker's layers over the batch's rows, appending to each sequence's cache. */
    private ActivationBatch run(ActivationBatch batch) {
        if (replyFormat == null) {
            throw Status.FAILED_PRECONDITION.withDescription("a batch arrived before OpenSession").asRuntimeException();
        }
        List<GptNeoX.Chunk> chunks = new ArrayList<>(batch.getSequencesCount());
        int rows = 0;
        for (SequenceRows s : batch.getSequencesList()) {
            chunks.add(GptNeoX.Chunk.ofHidden(cacheAt(s), s.getRows()));
            rows = Math.addExact(rows, s.getRows());
        }
        if (chunks.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("a batch without sequences").asRuntimeException();
        }
        int width = stage.network().config().hiddenSize();
        float[] x = new float[Math.multiplyExact(rows, width)];
        WireFormat.decode(batch.getHidden(), rows, width, x, 0, "batch " + batch.getBatchId());
        stage.network().runLayers(stage.firstLayer(), stage.endLayer(), chunks, x);
        return ActivationBatch.newBuilder()
                .setBatchId(batch.getBatchId())
                .addAllSequences(batch.getSequencesList())
                .setHidden(replyFormat.encode(x, 0, rows, width))
                .build();
    }

    /** The cache of a sequence, positioned so that the rows go at {@code s.position}: a new one at position 0. */
    private KvCache cacheAt(SequenceRows s) {
        KvCache cache = sequences.get(s.getSequenceId());
        if (cache == null && s.getPosition() == 0) {
            cache = stage.newCache(s.getSequenceId(), s.getCapacity());
            sequences.put(s.getSequenceId(), cache);
        }
        if (cache == null) {
            throw Status.FAILED_PRECONDITION.withDescription("sequence " + s.getSequenceId() + " at position " + s.getPosition()
                    + " is unknown to this worker (restarted, or released?)").asRuntimeException();
        }
        if (s.getPosition() > cache.length()) {
            throw Status.FAILED_PRECONDITION.withDescription("sequence " + s.getSequenceId() + ": rows at position "
                    + s.getPosition() + " but only " + cache.length() + " positions are cached here").asRuntimeException();
        }
        if (s.getPosition() < cache.length()) {
            cache.truncate(s.getPosition()); // the coordinator went back (reused a prefix): forget the rest
        }
        return cache;
    }

    private void release(long sequenceId) {
        KvCache cache = sequences.remove(sequenceId);
        if (cache != null) {
            stage.releaseCache(cache);
        }
    }

    private void releaseAll() {
        for (KvCache cache : sequences.values()) {
            stage.releaseCache(cache);
        }
        sequences.clear();
    }

    /** Ends the session with an error the coordinator reports. */
    private void fail(Status status) {
        end("failed: " + status.getCode() + ": " + status.getDescription());
        try {
            out.onError(status.asRuntimeException());
        } catch (IllegalStateException alreadyClosed) {
            // the coordinator is gone already; nothing left to tell it
        }
    }

    @Override
    public void onError(Throwable t) {
        if (!ended) {
            end("ended by the coordinator: " + Status.fromThrowable(t).getCode());
        }
    }

    @Override
    public void onCompleted() {
        if (!ended) {
            end("closed");
            out.onCompleted();
        }
    }

    private void end(String how) {
        ended = true;
        int count = sequences.size();
        releaseAll();
        stage.sessionEnded(this);
        stage.log("session " + id + " " + how + "; released " + count + " sequence" + (count == 1 ? "" : "s"));
    }

    int openSequences() {
        return sequences.size();
    }
}
