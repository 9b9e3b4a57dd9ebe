package org.neox4j.cluster;

import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.neox4j.cluster.proto.DescribeRequest;
import org.neox4j.cluster.proto.SessionRequest;
import org.neox4j.cluster.proto.SessionResponse;
import org.neox4j.cluster.proto.StageDescription;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.KvCache;

/**
 * The Stage service of a worker: describes the share of the model it holds and serves sessions
 * over it. Sessions run concurrently; the forward pass takes one batch at a time.
 */
final class StageService {
    private final GptNeoX network;
    private final WorkerOptions options;
    private final String fingerprint;
    private final KvBudget budget;
    private final Set<WorkerSession> sessions = ConcurrentHashMap.newKeySet();

    StageService(GptNeoX network, WorkerOptions options) {
        if (network.weights().layers().isEmpty()) {
            throw new IllegalArgumentException("a worker needs at least one layer");
        }
        this.network = network;
        this.options = options;
        this.fingerprint = ModelFingerprint.of(network.config());
        this.budget = new KvBudget(options.kvBudgetBytes());
    }

    ServerServiceDefinition definition() {
        return StageMethods.service(this::describe, this::session);
    }

    private void describe(DescribeRequest request, StreamObserver<StageDescription> out) {
        out.onNext(StageDescription.newBuilder()
                .setModel(options.model())
                .setConfigFingerprint(fingerprint)
                .setFirstLayer(firstLayer())
                .setEndLayer(endLayer())
                .setNumLayers(network.config().numLayers())
                .setHiddenSize(network.config().hiddenSize())
                .setMaxContext(options.maxContext())
                .build());
        out.onCompleted();
    }

    private StreamObserver<SessionRequest> session(StreamObserver<SessionResponse> out) {
        // A cancelled call is reported to the session through onError; sending afterwards is a no-op, not an exception.
        ((ServerCallStreamObserver<SessionResponse>) out).setOnCancelHandler(() -> { });
        WorkerSession session = new WorkerSession(this, out);
        sessions.add(session);
        return session;
    }

    /** A KV cache for a new sequence, within the worker's limits. */
    KvCache newCache(long sequenceId, int capacity) {
        if (capacity < 1 || capacity > options.maxContext()) {
            throw Status.OUT_OF_RANGE.withDescription("sequence " + sequenceId + " asks for a context of " + capacity
                    + " positions; this worker allows 1-" + options.maxContext() + " (--max-context)").asRuntimeException();
        }
        long bytes = KvCache.bytesFor(network.config(), capacity, endLayer() - firstLayer());
        if (!budget.tryReserve(bytes)) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("this worker's KV cache budget of " + mib(budget.limit())
                    + " is full (" + mib(budget.used()) + " in use; the new sequence needs " + mib(bytes)
                    + "): raise --kv-memory, lower the context, or run fewer sequences").asRuntimeException();
        }
        try {
            return network.newCache(capacity);
        } catch (OutOfMemoryError e) {
            budget.release(bytes);
            throw Status.RESOURCE_EXHAUSTED.withDescription("out of memory for a KV cache of " + mib(bytes)).asRuntimeException();
        }
    }

    void releaseCache(KvCache cache) {
        budget.release(KvCache.bytesFor(network.config(), cache.capacity(), cache.endLayer() - cache.firstLayer()));
    }

    void sessionEnded(WorkerSession session) {
        sessions.remove(session);
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    GptNeoX network() {
        return network;
    }

    String fingerprint() {
        return fingerprint;
    }

    int firstLayer() {
        return network.weights().firstLayer();
    }

    int endLayer() {
        return network.weights().endLayer();
    }

    String name() {
        return "worker " + options.listen() + " (layers " + firstLayer() + "-" + endLayer() + ")";
    }

    void log(String line) {
        options.log().accept(line);
    }

    int openSessions() {
        return sessions.size();
    }

    int openSequences() {
        int n = 0;
        for (WorkerSession s : sessions) {
            n += s.openSequences();
        }
        return n;
    }

    long kvBytesInUse() {
        return budget.used();
    }
}
