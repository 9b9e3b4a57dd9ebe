package org.neox4j.cluster;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.neox4j.cluster.proto.DescribeRequest;
import org.neox4j.cluster.proto.StageDescription;

/**
 * The coordinator's connection to one worker: its channel (reconnecting on its own), describe and
 * health calls with deadlines, and session streams. Errors name the stage and say what went wrong.
 */
final class StageClient implements AutoCloseable {
    private final Endpoint endpoint;
    private final ManagedChannel managed;
    private final Channel channel;
    private final PipelineOptions options;
    private final int index;
    private final int count;
    private volatile StageDescription description;

    StageClient(Endpoint endpoint, ManagedChannel managed, PipelineOptions options, int index, int count) {
        this.endpoint = endpoint;
        this.managed = managed;
        this.channel = options.token() == null ? managed : ClientInterceptors.intercept(managed, options.token().clientInterceptor());
        this.options = options;
        this.index = index;
        this.count = count;
    }

    /** Asks the worker what it serves (deadline: the connect timeout). A worker that was down is retried at once. */
    StageDescription describe() {
        freshConnectionAttempt();
        try {
            description = ClientCalls.blockingUnaryCall(channel, StageMethods.DESCRIBE,
                    CallOptions.DEFAULT.withDeadlineAfter(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS),
                    DescribeRequest.getDefaultInstance());
            return description;
        } catch (StatusRuntimeException e) {
            throw error("cannot describe the worker", e);
        }
    }

    /**
     * After a failure the channel waits (backing off) before it reconnects, and fails calls at once
     * with the old error meanwhile. Skip the wait and let the next call see a new attempt: a worker
     * that is back is used at once, one still down is reported at once.
     */
    private void freshConnectionAttempt() {
        ConnectivityState state = managed.getState(true);
        if (state != ConnectivityState.TRANSIENT_FAILURE) {
            return;
        }
        CountDownLatch changed = new CountDownLatch(1);
        managed.notifyWhenStateChanged(state, changed::countDown);
        managed.resetConnectBackoff();
        try {
            changed.await(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One health check of the Stage service (deadline: the health timeout). */
    ListenableFuture<HealthCheckResponse> checkHealth() {
        return HealthGrpc.newFutureStub(channel)
                .withDeadlineAfter(options.healthTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(StageMethods.SERVICE).build());
    }

    /** Opens a session stream; {@code onFailure} hears the first error of the stream. */
    StageStream openStream(Consumer<PipelineException> onFailure) {
        StageStream stream = new StageStream(this, onFailure);
        ClientCalls.asyncBidiStreamingCall(channel.newCall(StageMethods.SESSION, CallOptions.DEFAULT), stream);
        return stream;
    }

    /** An error of this stage, explained from the gRPC status of {@code cause}. */
    PipelineException error(String what, Throwable cause) {
        return new PipelineException(name() + ": " + what + ": " + explain(Status.fromThrowable(cause)), cause);
    }

    PipelineException error(String what) {
        return new PipelineException(name() + ": " + what);
    }

    private static String explain(Status s) {
        String detail = s.getDescription() == null ? "" : " (" + s.getDescription() + ")";
        return switch (s.getCode()) {
            case UNAVAILABLE -> "the worker is not reachable or the connection was lost" + detail;
            case UNAUTHENTICATED -> "the worker refused this coordinator's token" + detail;
            case DEADLINE_EXCEEDED -> "the worker did not answer in time" + detail;
            case CANCELLED -> "the call was cancelled" + detail;
            default -> s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
        };
    }

    /** "stage 2/2 (worker host:port, layers 1-2)". */
    String name() {
        StageDescription d = description;
        return "pipeline stage " + (index + 1) + "/" + count + " (worker " + endpoint
                + (d == null ? "" : ", layers " + d.getFirstLayer() + "-" + d.getEndLayer()) + ")";
    }

    Endpoint endpoint() {
        return endpoint;
    }

    PipelineOptions options() {
        return options;
    }

    @Override
    public void close() {
        managed.shutdownNow();
        try {
            managed.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
