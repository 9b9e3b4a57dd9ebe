package org.neox4j.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.neox4j.ProgressListener;
import org.neox4j.generate.GeneratedToken;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import org.neox4j.generate.TokenLogprobs;
import org.neox4j.generate.batch.BatchOptions;
import org.neox4j.generate.batch.BatchScheduler;
import org.neox4j.generate.batch.SequenceEnd;
import org.neox4j.generate.batch.SequenceListener;
import org.neox4j.generate.batch.SequenceRequest;
import org.neox4j.score.Perplexity;
import org.neox4j.score.PerplexityOptions;
import org.neox4j.testing.GoldenModel;

/** Serving (continuous batching) and perplexity (sliding windows reusing one cache) through the ForwardPass seam of a pipeline. */
class PipelineServingTest {
    private static final int[][] PROMPTS = {{3, 14, 15, 92}, {65, 35}, {89, 79, 32, 38, 46, 26}, {43}};

    /** Collects a sequence's tokens. */
    private static final class Tokens implements SequenceListener {
        final List<Integer> ids = new ArrayList<>();
        final CompletableFuture<SequenceEnd> end = new CompletableFuture<>();

        @Override
        public synchronized void onToken(GeneratedToken token, TokenLogprobs logprobs) {
            ids.add(token.id());
        }

        @Override
        public void onEnd(SequenceEnd e) {
            end.complete(e);
        }

        synchronized int[] array() {
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    @Test
    void theBatchSchedulerServesThroughThePipelineAndReleasesFinishedSequences() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir());
             LanguageModel single = LanguageModel.load(golden.dir(), InProcessCluster.load())) {
            Worker first = cluster.start(0, 1, 2, null);
            Worker second = cluster.start(1, 2, 3, null);
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults(), 0, 1);
                 BatchScheduler scheduler = BatchScheduler.start(lm, new BatchOptions(4, Long.MAX_VALUE, 16, 64))) {
                List<Tokens> got = new ArrayList<>();
                for (int[] prompt : PROMPTS) {
                    Tokens t = new Tokens();
                    scheduler.submit(SequenceRequest.of(prompt, SamplingParams.greedy(12).withIgnoreEos(true)), t);
                    got.add(t);
                }
                for (int i = 0; i < PROMPTS.length; i++) {
                    assertEquals(SequenceEnd.Outcome.FINISHED, got.get(i).end.get(60, TimeUnit.SECONDS).outcome());
                    try (var alone = single.start(PROMPTS[i], SamplingParams.greedy(12).withIgnoreEos(true), 64)) {
                        assertArrayEquals(alone.drain(null).tokenIds(), got.get(i).array(), "prompt " + i + " served through the pipeline");
                    }
                }
                Eventually.await(() -> first.openSequences() == 0 && second.openSequences() == 0, Duration.ofSeconds(20),
                        "finished sequences released on the workers");
            }
        }
    }

    @Test
    void perplexityThroughThePipelineEqualsOneProcessAcrossWindows() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir());
             LanguageModel single = LanguageModel.load(golden.dir(), InProcessCluster.load())) {
            Worker w = cluster.start(0, 0, 3, null);
            int[] text = GoldenModel.ints(golden.testCase("len33").get("input_ids"));
            PerplexityOptions windows = new PerplexityOptions(12, 5, false); // the cache is rewound for every window
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults().withMicroBatchRows(5), 0)) {
                double want = new Perplexity(single.network(), windows).evaluate(text, 0, ProgressListener.NONE).perplexity();
                double got = new Perplexity(lm.network(), windows).evaluate(text, 0, ProgressListener.NONE).perplexity();
                assertEquals(want, got, want * 1e-5, "perplexity over sliding windows");
                Eventually.await(() -> w.openSequences() == 0, Duration.ofSeconds(20), "the window cache released");
            }
        }
    }
}
