package org.neox4j.generate.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neox4j.generate.GenerationResult;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import org.neox4j.model.KvCache;
import org.neox4j.model.LoadOptions;
import org.neox4j.testing.Golden;

/** Continuous batching gives each sequence exactly what it gets alone, within its limits. */
class BatchSchedulerTest {
    private static LanguageModel lm;

    @BeforeAll
    static void load() {
        lm = LanguageModel.load(Golden.model("tiny-parallel"), LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        if (lm != null) {
            lm.close();
        }
    }

    private static BatchOptions options(int maxBatch, long budget, int maxQueue) {
        return new BatchOptions(maxBatch, budget, maxQueue, lm.config().maxPositions());
    }

    private static final String[] PROMPTS = {
        "The quick brown fox", "Hello", "In the beginning was the word, and the word was",
        "1, 2, 3, 4,", "Once upon a time", "def main():\n    print(",
    };

    private static SamplingParams paramsFor(int i) {
        SamplingParams p = SamplingParams.greedy(5 + 4 * i).withIgnoreEos(i % 2 == 0);
        return i == 3 ? p.withStopStrings(List.of(" the", ",")) : p;
    }

    @Test
    void concurrentGreedyEqualsOneByOne() throws Exception {
        List<GenerationResult> alone = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            alone.add(lm.generate(PROMPTS[i], paramsFor(i), null));
        }
        AtomicInteger widest = new AtomicInteger();
        try (BatchScheduler s = BatchScheduler.start(lm, options(4, Long.MAX_VALUE, 16), (chunks, o) -> {
            widest.accumulateAndGet(chunks.size(), Math::max);
            return lm.model().network().forward(chunks, o);
        })) {
            List<Collector> got = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                Collector c = new Collector();
                s.submit(SequenceRequest.of(lm.requireTokenizer().encode(PROMPTS[i]), paramsFor(i)), c);
                got.add(c);
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                SequenceEnd end = got.get(i).awaitEnd();
                assertEquals(SequenceEnd.Outcome.FINISHED, end.outcome());
                assertArrayEquals(alone.get(i).tokenIds(), got.get(i).idArray(), "ids of prompt " + i);
                assertEquals(alone.get(i).text(), got.get(i).text.toString(), "streamed text of prompt " + i);
                assertEquals(alone.get(i).text(), end.text(), "final text of prompt " + i);
                assertEquals(alone.get(i).finishReason(), end.finishReason(), "finish of prompt " + i);
            }
            assertEquals(4, widest.get(), "the batch filled up to max batch");
            assertEquals(0, s.running());
            assertEquals(0, s.kvBytesInUse());
        }
    }

    @Test
    void seededSamplingEqualsOneByOne() throws Exception {
        SamplingParams base = new SamplingParams(12, 0.9, 50, 0.95, 0.0, 1.1, 0.5, 0.3, 7, List.of(), true);
        try (BatchScheduler s = BatchScheduler.start(lm, options(8, Long.MAX_VALUE, 8))) {
            List<Collector> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Collector c = new Collector();
                s.submit(SequenceRequest.of(lm.requireTokenizer().encode(PROMPTS[i]), base.withSeed(i)), c);
                got.add(c);
            }
            for (int i = 0; i < 3; i++) {
                got.get(i).awaitEnd();
                GenerationResult alone = lm.generate(PROMPTS[i], base.withSeed(i), null);
                assertArrayEquals(alone.tokenIds(), got.get(i).idArray(), "seed " + i);
            }
        }
    }

    @Test
    void cacheBudgetLimitsTheBatchAndQueuedRequestsStillFinish() throws Exception {
        int[] prompt = lm.requireTokenizer().encode("Hello there");
        SamplingParams params = SamplingParams.greedy(6).withIgnoreEos(true);
        long perSequence = KvCache.bytesFor(lm.config(), prompt.length + 6);
        AtomicInteger widest = new AtomicInteger();
        try (BatchScheduler s = BatchScheduler.start(lm, options(8, 2 * perSequence, 8), (chunks, o) -> {
            widest.accumulateAndGet(chunks.size(), Math::max);
            return lm.model().network().forward(chunks, o);
        })) {
            List<Collector> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Collector c = new Collector();
                s.submit(SequenceRequest.of(prompt, params), c);
                got.add(c);
            }
            int[] expected = lm.start(prompt, params, lm.config().maxPositions()).drain(null).tokenIds();
            for (Collector c : got) {
                assertEquals(SequenceEnd.Outcome.FINISHED, c.awaitEnd().outcome());
                assertArrayEquals(expected, c.idArray());
            }
            assertEquals(2, widest.get(), "two caches fit the budget");
            assertEquals(0, s.kvBytesInUse());
        }
    }

    @Test
    void cancellingARunningSequenceFreesItsCacheAtTheNextStep() throws Exception {
        Semaphore stepPermits = new Semaphore(1);
        try (BatchScheduler s = BatchScheduler.start(lm, options(4, Long.MAX_VALUE, 4), (chunks, o) -> {
            stepPermits.acquireUninterruptibly();
            return lm.model().network().forward(chunks, o);
        })) {
            Collector c = new Collector();
            SequenceHandle h = s.submit(SequenceRequest.of(new int[] {1, 2, 3}, SamplingParams.greedy(200).withIgnoreEos(true)), c);
            assertTrue(c.firstToken.await(30, TimeUnit.SECONDS));
            assertEquals(1, s.running());
            assertTrue(s.kvBytesInUse() > 0);
            h.cancel();
            stepPermits.release(1000);
            SequenceEnd end = c.awaitEnd();
            assertEquals(SequenceEnd.Outcome.CANCELLED, end.outcome());
            assertNull(end.finishReason());
            assertTrue(end.generatedTokens() <= 2, "left at the next step, got " + end.generatedTokens() + " tokens");
            assertEquals(0, s.running());
            assertEquals(0, s.kvBytesInUse());
        }
    }

    @Test
    void aFullQueueRejectsAndAWaitingSequenceCanBeCancelled() throws Exception {
        Semaphore stepPermits = new Semaphore(0);
        try (BatchScheduler s = BatchScheduler.start(lm, options(1, Long.MAX_VALUE, 1), (chunks, o) -> {
            stepPermits.acquireUninterruptibly();
            return lm.model().network().forward(chunks, o);
        })) {
            SamplingParams params = SamplingParams.greedy(3).withIgnoreEos(true);
            Collector running = new Collector();
            Collector waiting = new Collector();
            s.submit(SequenceRequest.of(new int[] {1, 2}, params), running);
            SequenceHandle waitingHandle = s.submit(SequenceRequest.of(new int[] {3, 4}, params), waiting);
            assertEquals(1, s.running());
            assertEquals(1, s.queued());
            RejectedException e = assertThrows(RejectedException.class,
                    () -> s.submit(SequenceRequest.of(new int[] {5}, params), new Collector()));
            assertEquals(RejectedException.Reason.QUEUE_FULL, e.reason());
            waitingHandle.cancel();
            stepPermits.release(1000);
            assertEquals(SequenceEnd.Outcome.CANCELLED, waiting.awaitEnd().outcome());
            assertEquals(0, waiting.ids.size());
            assertEquals(SequenceEnd.Outcome.FINISHED, running.awaitEnd().outcome());
            assertEquals(3, running.ids.size());
        }
    }

    @Test
    void aRequestLargerThanTheBudgetIsRejectedAndBadPromptsAreInvalid() {
        long one = KvCache.bytesFor(lm.config(), 10);
        try (BatchScheduler s = BatchScheduler.start(lm, options(4, one, 4))) {
            RejectedException e = assertThrows(RejectedException.class,
                    () -> s.submit(SequenceRequest.of(new int[] {1}, SamplingParams.greedy(10)), new Collector()));
            assertEquals(RejectedException.Reason.TOO_LARGE, e.reason());
            assertThrows(IllegalArgumentException.class, () -> s.submit(SequenceRequest.of(new int[0], SamplingParams.greedy(1)), new Collector()));
            assertThrows(IllegalArgumentException.class,
                    () -> s.submit(SequenceRequest.of(new int[] {lm.config().vocabSize()}, SamplingParams.greedy(1)), new Collector()));
            assertThrows(RuntimeException.class,
                    () -> s.submit(SequenceRequest.of(new int[lm.config().maxPositions() + 1], SamplingParams.greedy(1)), new Collector()));
            assertEquals(0, s.running());
        }
    }

    @Test
    void logprobsMatchAFullForwardPass() throws Exception {
        int[] prompt = lm.requireTokenizer().encode("The meaning of life is");
        try (BatchScheduler s = BatchScheduler.start(lm, options(4, Long.MAX_VALUE, 4))) {
            Collector withLogprobs = new Collector();
            Collector plain = new Collector();
            s.submit(new SequenceRequest(prompt, SamplingParams.greedy(4).withIgnoreEos(true), 3, true), withLogprobs);
            s.submit(SequenceRequest.of(new int[] {7, 8, 9}, SamplingParams.greedy(4).withIgnoreEos(true)), plain);
            withLogprobs.awaitEnd();
            plain.awaitEnd();
            int[] all = new int[prompt.length + 4];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            for (int i = 0; i < 4; i++) {
                all[prompt.length + i] = withLogprobs.ids.get(i);
            }
            var net = lm.model().network();
            var result = net.forward(List.of(new org.neox4j.model.GptNeoX.Chunk(net.newCache(all.length), all)),
                    org.neox4j.model.ForwardOptions.ALL_LOGITS);
            int v = lm.config().vocabSize();
            assertEquals(prompt.length - 1, withLogprobs.promptLogprobs.size());
            assertEquals(4, withLogprobs.logprobs.size());
            for (int p = 1; p < all.length; p++) {
                var expected = org.neox4j.generate.TokenLogprobs.of(result.logits(), (p - 1) * v, v, all[p], 3);
                var actual = p < prompt.length ? withLogprobs.promptLogprobs.get(p - 1) : withLogprobs.logprobs.get(p - prompt.length);
                assertEquals(expected.id(), actual.id());
                assertEquals(expected.logprob(), actual.logprob(), 1e-4, "position " + p);
                assertArrayEquals(expected.topIds(), actual.topIds(), "position " + p);
                // greedy picks the most likely token, so it is the first alternative
                if (p >= prompt.length) {
                    assertEquals(actual.id(), actual.topIds()[0]);
                }
            }
            assertTrue(withLogprobs.logprobs.get(0).logprob() <= 0);
            assertTrue(plain.logprobs.isEmpty());

            // max tokens 0 scores the prompt only (echo + logprobs, as evaluation harnesses use it)
            Collector scoreOnly = new Collector();
            s.submit(new SequenceRequest(prompt, SamplingParams.greedy(0), 1, true), scoreOnly);
            SequenceEnd end = scoreOnly.awaitEnd();
            assertEquals(SequenceEnd.Outcome.FINISHED, end.outcome());
            assertEquals(0, scoreOnly.ids.size());
            assertEquals(prompt.length - 1, scoreOnly.promptLogprobs.size());
            for (int p = 1; p < prompt.length; p++) {
                assertEquals(withLogprobs.promptLogprobs.get(p - 1).logprob(), scoreOnly.promptLogprobs.get(p - 1).logprob(), 1e-5);
            }
            assertEquals(0, s.kvBytesInUse());
        }
    }
}
