package org.neox4j.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.neox4j.cluster.proto.SessionRequest;
import org.neox4j.generate.LanguageModel;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;

/**
 * Micro-batches move through the stages like an assembly line: the first worker finishes
 * micro-batch 1 while the second worker still holds micro-batch 0. The second worker's first
 * batch waits (boundedly) for that; a pipeline that sent micro-batch 1 only after micro-batch 0
 * came back would leave it waiting in vain.
 */
class AssemblyLineTest {

    /** Calls {@code before} ahead of each batch message a worker handles and {@code after} once it handled it. */
    private static ServerInterceptor onBatches(Consumer<Integer> before, Consumer<Integer> after) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, h)) {
                    private int batches;

                    @Override
                    public void onMessage(Q message) {
                        boolean batch = message instanceof SessionRequest r && r.hasBatch();
                        if (batch) {
                            before.accept(batches);
                        }
                        super.onMessage(message);
                        if (batch) {
                            after.accept(batches++);
                        }
                    }
                };
            }
        };
    }

    @Test
    void theFirstStageWorksOnTheNextMicroBatchWhileTheSecondHoldsThePreviousOne() {
        CountDownLatch firstStageDidTwo = new CountDownLatch(2);
        AtomicBoolean overlapped = new AtomicBoolean();
        ServerInterceptor firstStage = onBatches(i -> { }, i -> firstStageDidTwo.countDown());
        ServerInterceptor secondStage = onBatches(i -> {
            if (i == 0) {
                try {
                    overlapped.set(firstStageDidTwo.await(20, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, i -> { });
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir());
             NeoxModel single = ModelLoader.load(golden.dir(), InProcessCluster.load())) {
            cluster.start(0, 0, 2, null, firstStage);
            cluster.start(1, 2, 3, null, secondStage);
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults().withMicroBatchRows(2), 0, 1)) {
                int[] prompt = GoldenModel.ints(golden.testCase("len7").get("input_ids"));
                float[] logits = PipelineInProcessTest.allLogits(lm.network(), prompt);
                assertTrue(overlapped.get(), "stage 1 finished micro-batch 1 while stage 2 held micro-batch 0");
                Approx.assertClose(PipelineInProcessTest.allLogits(single.network(), prompt), logits, 1e-5,
                        "7 tokens in micro-batches of 2 through 2 stages");
            }
        }
    }
}
