package org.neox4j.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.neox4j.Neox4jException;
import org.neox4j.generate.GenerationSession;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import org.neox4j.testing.GoldenModel;

/** Workers that go away, stall or refuse: requests fail with clear errors, sessions are released, the next request works. */
class PipelineFailureTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    private static int[] prompt(GoldenModel golden) {
        return GoldenModel.ints(golden.cases().get("generation").get(0).get("prompt_ids"));
    }

    private static SamplingParams greedy(int n) {
        return SamplingParams.greedy(n).withIgnoreEos(true);
    }

    @Test
    void aWorkerThatGoesAwayFailsTheRequestAndTheNextRequestWorksOnceItIsBack() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir())) {
            Worker first = cluster.start(0, 0, 2, null);
            Worker second = cluster.start(1, 2, 3, null);
            JsonNode g = golden.cases().get("generation").get(0);
            int[] expected = GoldenModel.ints(g.get("new_tokens"));
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults(), 0, 1)) {
                GenerationSession running = lm.start(prompt(golden), greedy(expected.length), 64);
                running.next();
                running.next();
                assertEquals(1, second.openSequences());

                second.close();
                PipelineException e = assertThrows(PipelineException.class, running::next);
                assertTrue(e.getMessage().contains("pipeline stage 2/2 (worker w1:1, layers 2-3)"), e.getMessage());
                Eventually.await(() -> first.openSequences() == 0 && first.openSessions() == 0, BOUND,
                        "the surviving worker released the failed session");
                e = assertThrows(PipelineException.class, () -> lm.start(prompt(golden), greedy(2), 64).next(),
                        "while the worker is down, new requests fail too");
                assertTrue(e.getMessage().contains("not reachable"), e.getMessage());

                cluster.start(1, 2, 3, null);
                try (GenerationSession again = lm.start(prompt(golden), greedy(expected.length), 64)) {
                    assertArrayEquals(expected, again.drain(null).tokenIds(), "the next request after the worker is back");
                }
                e = assertThrows(PipelineException.class, running::next, "the interrupted sequence cannot go on");
                assertTrue(e.getMessage().contains("lost with an earlier pipeline session"), e.getMessage());
                running.close();
            }
        }
    }

    @Test
    void aWorkerThatStopsAnsweringIsCaughtByHealthChecks() {
        Freezer freezer = new Freezer(false);
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir())) {
            Worker first = cluster.start(0, 0, 2, null);
            cluster.start(1, 2, 3, null, freezer);
            PipelineOptions options = PipelineOptions.defaults()
                    .withHealth(Duration.ofMillis(200), Duration.ofMillis(500))
                    .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(120));
            try (LanguageModel lm = cluster.coordinator(options, 0, 1);
                 GenerationSession s = lm.start(prompt(golden), greedy(10), 64)) {
                s.next();
                freezer.freeze();
                PipelineException e = assertThrows(PipelineException.class, s::next);
                assertTrue(e.getMessage().contains("stage 2/2") && e.getMessage().contains("stopped answering health checks"),
                        e.getMessage());
                Eventually.await(() -> first.openSequences() == 0, BOUND, "the other worker released the session");
            } finally {
                freezer.thaw();
            }
        }
    }

    @Test
    void aStageThatNeverAnswersFailsAtTheStepTimeout() {
        Freezer freezer = new Freezer(true);
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir())) {
            cluster.start(0, 0, 3, null, freezer);
            PipelineOptions options = PipelineOptions.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(1));
            try (LanguageModel lm = cluster.coordinator(options, 0);
                 GenerationSession s = lm.start(prompt(golden), greedy(10), 64)) {
                s.next();
                freezer.freeze();
                PipelineException e = assertThrows(PipelineException.class, s::next);
                assertTrue(e.getMessage().contains("step timeout") && e.getMessage().contains("stage 1/1"), e.getMessage());
            } finally {
                freezer.thaw();
            }
        }
    }

    @Test
    void releasedSequencesAndClosedPipelinesFreeTheWorkersCaches() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir())) {
            Worker w = cluster.start(0, 0, 3, null);
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults(), 0)) {
                GenerationSession a = lm.start(prompt(golden), greedy(3), 64);
                GenerationSession b = lm.start(prompt(golden), greedy(3), 64);
                a.next();
                b.next();
                assertEquals(2, w.openSequences());
                assertTrue(w.kvBytesInUse() > 0);
                a.close();
                Eventually.await(() -> w.openSequences() == 1, BOUND, "a's caches released");
                b.drain(null);
                assertEquals(1, w.openSessions());
            }
            Eventually.await(() -> w.openSessions() == 0 && w.openSequences() == 0 && w.kvBytesInUse() == 0, BOUND,
                    "closing the coordinator ends the session and frees every cache");
        }
    }

    @Test
    void workersRefuseCoordinatorsWithoutTheToken() {
        ClusterToken token = ClusterToken.of("0123456789abcdef0123");
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             InProcessCluster cluster = new InProcessCluster(golden.dir())) {
            cluster.start(0, 0, 3, token);
            for (ClusterToken wrong : new ClusterToken[] {null, ClusterToken.of("0123456789abcdef0124")}) {
                PipelineOptions options = PipelineOptions.defaults().withToken(wrong);
                String m = assertThrows(PipelineException.class, () -> cluster.coordinator(options, 0)).getMessage();
                assertTrue(m.contains("refused this coordinator's token"), m);
            }
            try (LanguageModel lm = cluster.coordinator(PipelineOptions.defaults().withToken(token), 0);
                 GenerationSession s = lm.start(prompt(golden), greedy(2), 64)) {
                assertEquals(2, s.drain(null).tokenIds().length);
            }
        }
    }

    @Test
    void workersThatDoNotFormTheModelAreRefusedWithAClearMessage() {
        try (GoldenModel golden = GoldenModel.open("tiny-pythia");
             GoldenModel other = GoldenModel.open("tiny-sequential");
             InProcessCluster cluster = new InProcessCluster(golden.dir());
             InProcessCluster foreign = new InProcessCluster(other.dir())) {
            cluster.start(0, 0, 1, null);
            cluster.start(1, 2, 3, null);
            cluster.start(2, 1, 2, null);
            String m = assertThrows(Neox4jException.class, () -> cluster.coordinator(PipelineOptions.defaults(), 0, 1)).getMessage();
            assertTrue(m.contains("do not follow each other") && m.contains("ends at layer 1") && m.contains("starts at 2"), m);
            m = assertThrows(Neox4jException.class, () -> cluster.coordinator(PipelineOptions.defaults(), 0, 2)).getMessage();
            assertTrue(m.contains("no worker runs layers 2-3"), m);
            foreign.start(0, 0, 3, null);
            m = assertThrows(Neox4jException.class, () -> Coordinator.open(golden.dir(), InProcessCluster.load(),
                    java.util.List.of(InProcessCluster.endpoint(0)), PipelineOptions.defaults(), foreign.channels())).getMessage();
            assertTrue(m.contains("serves a different model"), m);
        }
    }
}
