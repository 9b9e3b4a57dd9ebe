package org.neox4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.errors.RateLimitException;
import com.openai.models.completions.CompletionCreateParams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.neox4j.generate.batch.BatchOptions;
import org.neox4j.generate.batch.SequenceEnd;

/** Continuous batching behind HTTP: shared steps change nothing, disconnects free memory, overload answers 429. */
class ConcurrencyTest {
    private static final String[] PROMPTS = {
        "The quick brown fox", "Hello", "In the beginning", "1, 2, 3, 4,", "Once upon a time there was", "def f(x):",
    };

    private static CompletionCreateParams greedy(int i) {
        return CompletionCreateParams.builder().model(TestServer.MODEL).prompt(PROMPTS[i]).maxTokens(6 + 3 * i)
                .temperature(0.0).build();
    }

    @Test
    void concurrentGreedyRequestsEqualTheSameRequestsOneByOne() throws Exception {
        try (TestServer t = TestServer.standard()) {
            OpenAIClient client = t.client();
            List<String> alone = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                alone.add(client.completions().create(greedy(i)).choices().get(0).text());
            }
            assertEquals(1, t.gate.widestBatch(), "one by one, every step had one sequence");
            t.gate.close(); // hold the steps until every request has joined, so they surely share them
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> together = new ArrayList<>();
                for (int i = 0; i < PROMPTS.length; i++) {
                    int index = i;
                    together.add(pool.submit(() -> client.completions().create(greedy(index)).choices().get(0).text()));
                }
                TestServer.await(() -> t.scheduler.running() == PROMPTS.length, "all requests are in the batch");
                t.gate.open();
                for (int i = 0; i < PROMPTS.length; i++) {
                    assertEquals(alone.get(i), together.get(i).get(60, TimeUnit.SECONDS), "prompt " + i);
                }
            }
            assertEquals(PROMPTS.length, t.gate.widestBatch(), "all requests advanced in the same forward passes");
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsSequence() throws Exception {
        try (TestServer t = TestServer.standard()) {
            t.gate.close();
            t.gate.allow(1); // the prefill step: one token
            String body = "{\"model\":\"tiny-parallel\",\"prompt\":\"Tell me a long story\",\"max_tokens\":200,"
                    + "\"temperature\":0,\"ignore_eos\":true,\"stream\":true}";
            try (Socket socket = new Socket("127.0.0.1", t.server.port())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.contains("data: {")) {
                    // status line, headers, chunk sizes
                }
                assertTrue(line != null && line.contains("text_completion"), "received the first event: " + line);
                assertEquals(1, t.scheduler.running());
                assertTrue(t.scheduler.kvBytesInUse() > 0);
            } // the client goes away here, 199 tokens early
            t.gate.open();
            TestServer.await(() -> t.scheduler.running() == 0, "the sequence left the batch");
            assertEquals(0, t.scheduler.kvBytesInUse());
            assertEquals(1, t.server.metrics().sequences(SequenceEnd.Outcome.CANCELLED));
            assertEquals(0, t.server.metrics().sequences(SequenceEnd.Outcome.FINISHED));
        }
    }

    @Test
    void aFullQueueAnswers429() throws Exception {
        try (TestServer t = new TestServer(new BatchOptions(1, 64L << 20, 1, 256), TestServer.options())) {
            OpenAIClient client = t.client();
            t.gate.close();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<String> running = pool.submit(() -> client.completions().create(greedy(0)).choices().get(0).text());
                TestServer.await(() -> t.scheduler.running() == 1, "the first request runs");
                Future<String> waiting = pool.submit(() -> client.completions().create(greedy(1)).choices().get(0).text());
                TestServer.await(() -> t.scheduler.queued() == 1, "the second request waits");
                RateLimitException e = assertThrows(RateLimitException.class, () -> client.completions().create(greedy(2)));
                assertEquals(429, e.statusCode());
                assertTrue(e.getMessage().contains("busy"), e.getMessage());
                t.gate.open();
                assertEquals(t.lm.generate(PROMPTS[0], org.neox4j.generate.SamplingParams.greedy(6), null).text(),
                        running.get(60, TimeUnit.SECONDS));
                waiting.get(60, TimeUnit.SECONDS);
            }
            assertEquals(0, t.scheduler.running());
        }
    }
}
