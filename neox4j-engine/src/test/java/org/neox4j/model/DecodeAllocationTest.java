package org.neox4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neox4j.tensor.DType;
import org.neox4j.testing.Approx;
import org.neox4j.testing.GoldenModel;
import org.neox4j.loader.ModelLoader;

/**
 * Steady-state decoding allocates nothing: once the JIT has compiled the kernels, a round of
 * 100 decode steps on the calling thread and the pool's workers together allocates (almost) no
 * heap bytes, counted by the JVM's per-thread allocation counters. Until C2 compiles them, the
 * Vector API's fallback code allocates, so rounds repeat until one is clean (up to 40 rounds or 60 s,
 * whichever is longer); one
 * allocation per step (a lambda, a boxed vector, an iterator, a logits array) would show in
 * every round as thousands of bytes.
 */
class DecodeAllocationTest {

    @ParameterizedTest(name = "{0} {1} threads")
    @CsvSource({"F32, 2", "Q8_0, 2", "Q4_0, 3", "F16, 1"})
    void decodeStepsAllocateNothing(DType dtype, int threads) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
             NeoxModel model = ModelLoader.load(golden.dir(), new LoadOptions(threads).withWeightsDtype(dtype))) {
            GptNeoX net = model.network();
            int v = model.config().vocabSize();
            float[] logits = new float[v];
            int[] token = {1};
            long[] ids = threadIds();
            long best = Long.MAX_VALUE;
            // until one round is clean, for up to 40 rounds or 60 s, whichever is longer: on a loaded
            // machine C2 may take longer than 40 rounds to compile the kernels (seen once in a full run)
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            for (int round = 0; (round < 40 || System.nanoTime() < deadline) && best >= 512; round++) {
                KvCache cache = net.newCache(110);
                net.forwardLast(cache, new int[] {5, 6, 7, 8, 9, 10, 11}, logits);
                long before = sum(mx.getThreadAllocatedBytes(ids));
                for (int i = 0; i < 100; i++) {
                    token[0] = Approx.argmax(logits, 0, v);
                    net.forwardLast(cache, token, logits);
                }
                best = Math.min(best, sum(mx.getThreadAllocatedBytes(ids)) - before);
            }
            assertTrue(best < 512, dtype + " with " + threads + " threads: 100 decode steps allocated at least " + best + " bytes");
        }
    }

    /** The calling thread and the pool's worker threads. */
    private static long[] threadIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t == Thread.currentThread() || t.getName().startsWith("neox4j-worker-"))
                .mapToLong(Thread::threadId).toArray();
    }

    private static long sum(long[] values) {
        return Arrays.stream(values).filter(x -> x > 0).sum();
    }
}
