package org.neox4j.cluster;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.health.v1.HealthCheckResponse;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Health-checks every worker that has work outstanding, once per interval. A worker that misses
 * two checks in a row (no answer within the health timeout, or not SERVING) fails the session,
 * so a worker that stops answering — frozen, swapped out, cut off without a reset — fails its
 * requests within seconds instead of at the step timeout.
 */
final class HealthWatch implements AutoCloseable {
    static final int MISSES_ALLOWED = 1;

    private final ScheduledExecutorService timer;
    private final List<StageClient> stages;
    private final Supplier<PipelineSession> current;

    HealthWatch(List<StageClient> stages, Supplier<PipelineSession> current, PipelineOptions options) {
        this.stages = stages;
        this.current = current;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "neox4j-pipeline-health");
            t.setDaemon(true);
            return t;
        });
        long every = options.healthInterval().toMillis();
        timer.scheduleWithFixedDelay(this::checkBusyStages, every, every, TimeUnit.MILLISECONDS);
    }

    private void checkBusyStages() {
        PipelineSession session = current.get();
        if (session == null || session.isBroken()) {
            return;
        }
        List<StageStream> streams = session.streams();
        for (int i = 0; i < streams.size(); i++) {
            if (streams.get(i).outstanding() > 0) {
                check(session, i);
            }
        }
    }

    private void check(PipelineSession session, int i) {
        StageClient stage = stages.get(i);
        Futures.addCallback(stage.checkHealth(), new FutureCallback<>() {
            @Override
            public void onSuccess(HealthCheckResponse r) {
                boolean serving = r.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
                if (session.healthResult(i, serving) > MISSES_ALLOWED) {
                    session.fail(stage.error("the worker reports " + r.getStatus()));
                }
            }

            @Override
            public void onFailure(Throwable t) {
                if (session.healthResult(i, false) > MISSES_ALLOWED) {
                    session.fail(stage.error("the worker stopped answering health checks", t));
                }
            }
        }, MoreExecutors.directExecutor());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
