package org.neox4j.cluster;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker-side interceptor that, once frozen, holds every message and every new call (health
 * checks included) until thawed: a worker that stops answering without dropping its connection.
 * With {@code healthStaysUp}, health checks keep working and only the pipeline's messages stall.
 */
final class Freezer implements ServerInterceptor {
    private final boolean healthStaysUp;
    private volatile CountDownLatch thaw = new CountDownLatch(0);

    Freezer(boolean healthStaysUp) {
        this.healthStaysUp = healthStaysUp;
    }

    void freeze() {
        thaw = new CountDownLatch(1);
    }

    void thaw() {
        thaw.countDown();
    }

    private void hold() {
        try {
            thaw.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        boolean health = call.getMethodDescriptor().getServiceName().equals("grpc.health.v1.Health");
        if (health && healthStaysUp) {
            return next.startCall(call, headers);
        }
        if (health && thaw.getCount() > 0) {
            return new ServerCall.Listener<>() { // never answered: the caller's deadline runs out
            };
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            @Override
            public void onMessage(Q message) {
                hold();
                super.onMessage(message);
            }
        };
    }
}
