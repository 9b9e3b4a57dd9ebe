package org.neox4j.cluster;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.neox4j.Neox4jException;
import org.neox4j.model.GptNeoX;

/**
 * A pipeline worker: serves a contiguous range of layers of a model (the share its
 * {@link GptNeoX} holds) to coordinators over gRPC, keeping the KV caches of their sequences for
 * those layers. It also serves the standard gRPC health service. With a token, every call must
 * carry it; with a certificate and key, it speaks TLS only.
 */
public final class Worker implements AutoCloseable {
    /** Largest message accepted: a batch of hidden states (the coordinator sizes its micro-batches below it). */
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    private final Server server;
    private final StageService stage;
    private final HealthStatusManager health;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Worker(Server server, StageService stage, HealthStatusManager health) {
        this.server = server;
        this.stage = stage;
        this.health = health;
    }

    /** Starts a worker on the options' address (TCP, with TLS when certificate and key are given). */
    public static Worker start(GptNeoX network, WorkerOptions options) {
        Endpoint listen = options.listen();
        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new InetSocketAddress(listen.host(), listen.port()), Tls.server(options.tlsCert(), options.tlsKey()))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                // coordinators ping every 10 s while idle; a coordinator that vanished is noticed within 40 s
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS);
        if (!listen.isLoopback()) {
            if (options.token() == null) {
                options.log().accept("warning: listening on " + listen + " without --token-file: anyone who can reach it can use it");
            } else if (options.tlsCert() == null) {
                options.log().accept("warning: listening on " + listen + " without TLS: the token and the activations travel in clear");
            }
        }
        return start(network, options, builder);
    }

    /** Starts a worker on a server builder of any transport (in-process in tests). */
    public static Worker start(GptNeoX network, WorkerOptions options, ServerBuilder<?> builder) {
        StageService stage = new StageService(network, options);
        HealthStatusManager health = new HealthStatusManager();
        List<ServerInterceptor> auth = options.token() == null ? List.of() : List.of(options.token().serverInterceptor());
        builder.addService(ServerInterceptors.intercept(stage.definition(), auth))
                .addService(ServerInterceptors.intercept(health.getHealthService(), auth));
        Server server;
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new Neox4jException("cannot listen on " + options.listen() + ": " + e.getMessage(), e);
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(StageMethods.SERVICE, ServingStatus.SERVING);
        options.log().accept("serving layers " + stage.firstLayer() + "-" + stage.endLayer() + " of " + options.model()
                + " on " + describeAddress(server, options));
        return new Worker(server, stage, health);
    }

    private static String describeAddress(Server server, WorkerOptions options) {
        String scheme = options.tlsCert() != null ? "TLS" : "plaintext";
        return server.getListenSockets().isEmpty() ? "(in-process)" : server.getListenSockets() + ", " + scheme
                + (options.token() != null ? ", token required" : "");
    }

    /** The port it listens on (useful after asking for port 0); -1 for in-process servers. */
    public int port() {
        return server.getPort();
    }

    public int firstLayer() {
        return stage.firstLayer();
    }

    public int endLayer() {
        return stage.endLayer();
    }

    /** Sessions open now (for tests and monitoring). */
    public int openSessions() {
        return stage.openSessions();
    }

    /** Sequences whose KV caches this worker holds now. */
    public int openSequences() {
        return stage.openSequences();
    }

    /** Bytes of KV cache reserved now. */
    public long kvBytesInUse() {
        return stage.kvBytesInUse();
    }

    /** Blocks until the worker is closed (the CLI's worker command waits here). */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops serving: health NOT_SERVING, open sessions cancelled (their caches released). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        health.enterTerminalState();
        server.shutdownNow();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                stage.log("warning: sessions still running 5 s after shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
