package org.neox4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.neox4j.generate.batch.BatchOptions;
import org.neox4j.generate.batch.SequenceEnd;

/** /metrics in Prometheus text format, and the per-request timeout. */
class MetricsAndTimeoutTest {

    @Test
    void metricsCountRequestsTokensAndLatencies() throws Exception {
        try (TestServer t = TestServer.standard()) {
            int promptTokens = t.lm.requireTokenizer().encode("Hello there").length;
            String body = "{\"prompt\": \"Hello there\", \"max_tokens\": 5, \"temperature\": 0, \"ignore_eos\": true}";
            assertEquals(200, t.post("/v1/completions", body).statusCode());
            assertEquals(400, t.post("/v1/completions", "{\"prompt\": 1}").statusCode());
            assertEquals(401, t.http("GET", "/v1/models", null, null).statusCode());
            HttpResponse<String> m = t.http("GET", "/metrics", null, null);
            assertEquals(200, m.statusCode());
            assertTrue(m.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            String text = m.body();
            for (String line : new String[] {
                "neox4j_requests_total{endpoint=\"/v1/completions\",status=\"200\"} 1.0",
                "neox4j_requests_total{endpoint=\"/v1/completions\",status=\"400\"} 1.0",
                "neox4j_requests_total{endpoint=\"/v1/models\",status=\"401\"} 1.0",
                "neox4j_prompt_tokens_total " + promptTokens + ".0",
                "neox4j_generation_tokens_total 5.0",
                "neox4j_time_to_first_token_seconds_count 1",
                "neox4j_time_per_output_token_seconds_count 4",
                "neox4j_sequences_total{outcome=\"finished\"} 1.0",
                "neox4j_queue_depth 0.0",
                "neox4j_running_sequences 0.0",
                "neox4j_kv_cache_used_bytes 0.0",
                "neox4j_kv_cache_budget_bytes " + (double) (64L << 20),
                "# TYPE neox4j_time_to_first_token_seconds histogram",
            }) {
                assertTrue(text.contains(line), "metrics have '" + line + "':\n" + text);
            }
        }
    }

    @Test
    void aRequestPastItsTimeoutIsCancelledAndFreed() throws Exception {
        ServerOptions options = TestServer.options().withRequestTimeout(Duration.ofSeconds(1));
        try (TestServer t = new TestServer(new BatchOptions(4, 64L << 20, 4, 256), options)) {
            t.gate.close(); // no step runs: the request cannot finish in time
            HttpResponse<String> r = t.post("/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 5}");
            assertEquals(408, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"code\":\"request_timeout\""), r.body());
            t.gate.open();
            TestServer.await(() -> t.scheduler.running() == 0, "the timed-out sequence left");
            assertEquals(0, t.scheduler.kvBytesInUse());
            assertEquals(1, t.server.metrics().sequences(SequenceEnd.Outcome.CANCELLED));

            t.gate.close();
            HttpResponse<String> s = t.post("/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 5, \"stream\": true}");
            assertEquals(200, s.statusCode(), "a stream has started before the timeout");
            assertTrue(s.body().contains("data: {\"error\":{") && s.body().contains("request_timeout"), s.body());
            assertTrue(s.body().endsWith("data: [DONE]\n\n"), s.body());
            t.gate.open();
            TestServer.await(() -> t.scheduler.running() == 0, "the timed-out stream's sequence left");
        }
    }
}
