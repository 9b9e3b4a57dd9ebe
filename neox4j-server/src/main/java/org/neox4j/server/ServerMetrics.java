package org.neox4j.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.neox4j.generate.batch.BatchScheduler;
import org.neox4j.generate.batch.SequenceEnd;

/** The server's Prometheus metrics (one registry per server, so tests and servers never share counts). */
public final class ServerMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter promptTokens;
    private final Counter generatedTokens;
    private final Counter sequences;
    private final Histogram timeToFirstToken;
    private final Histogram timePerToken;

    public ServerMetrics(BatchScheduler scheduler) {
        requests = Counter.builder().name("neox4j_requests_total").help("HTTP requests by endpoint and status code")
                .labelNames("endpoint", "status").register(registry);
        promptTokens = Counter.builder().name("neox4j_prompt_tokens_total").help("Prompt tokens of accepted generation requests")
                .register(registry);
        generatedTokens = Counter.builder().name("neox4j_generation_tokens_total").help("Tokens generated").register(registry);
        sequences = Counter.builder().name("neox4j_sequences_total")
                .help("Sequences that left the scheduler, by outcome (finished, cancelled, failed)")
                .labelNames("outcome").register(registry);
        timeToFirstToken = Histogram.builder().name("neox4j_time_to_first_token_seconds")
                .help("Time from submission to a sequence's first token (queueing and prefill included)")
                .classicOnly().classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
        timePerToken = Histogram.builder().name("neox4j_time_per_output_token_seconds")
                .help("Time between consecutive tokens of a sequence")
                .classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5)
                .register(registry);
        GaugeWithCallback.builder().name("neox4j_queue_depth").help("Requests waiting for a batch slot or KV cache memory")
                .callback(cb -> cb.call(scheduler.queued())).register(registry);
        GaugeWithCallback.builder().name("neox4j_running_sequences").help("Sequences in the running batch")
                .callback(cb -> cb.call(scheduler.running())).register(registry);
        GaugeWithCallback.builder().name("neox4j_kv_cache_used_bytes").help("KV cache memory reserved by running sequences")
                .callback(cb -> cb.call(scheduler.kvBytesInUse())).register(registry);
        GaugeWithCallback.builder().name("neox4j_kv_cache_budget_bytes").help("KV cache memory budget (--kv-cache-budget)")
                .callback(cb -> cb.call(scheduler.options().kvBudgetBytes())).register(registry);
        GaugeWithCallback.builder().name("neox4j_max_batch").help("Most sequences per forward pass (--max-batch)")
                .callback(cb -> cb.call(scheduler.options().maxBatch())).register(registry);
    }

    void request(String endpoint, int status) {
        requests.labelValues(endpoint, Integer.toString(status)).inc();
    }

    void promptTokens(long n) {
        promptTokens.inc(n);
    }

    /** A token of a sequence: its latency from submission (first token) or from the previous token. */
    void token(boolean first, long nanos) {
        generatedTokens.inc();
        (first ? timeToFirstToken : timePerToken).observe(nanos / 1e9);
    }

    void sequenceEnded(SequenceEnd.Outcome outcome) {
        sequences.labelValues(outcome.name().toLowerCase(java.util.Locale.ROOT)).inc();
    }

    /** Sequences that ended with {@code outcome} so far. */
    public long sequences(SequenceEnd.Outcome outcome) {
        return (long) sequences.labelValues(outcome.name().toLowerCase(java.util.Locale.ROOT)).get();
    }

    /** The metrics in Prometheus' text format (version 0.0.4). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
