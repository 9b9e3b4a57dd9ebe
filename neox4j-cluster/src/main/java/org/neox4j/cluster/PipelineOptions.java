package org.neox4j.cluster;

import java.nio.file.Path;
import java.time.Duration;
import org.neox4j.Neox4jException;

/**
 * How a coordinator drives its workers.
 *
 * @param wire encoding of hidden states on the wire (float32 exact, float16 half the bytes)
 * @param microBatchRows most rows (tokens) in one micro-batch: longer batches are split, so that
 *     while one stage works on micro-batch i the stage before it works on i+1
 * @param connectTimeout deadline for describing a worker and opening a session
 * @param stepTimeout a request fails when the pipeline returns nothing for this long
 * @param healthInterval how often a worker with work outstanding is health-checked
 * @param healthTimeout deadline of one health check; two missed in a row fail the session
 * @param tls whether to speak TLS to the workers
 * @param trustedCerts certificates (PEM) to trust for TLS instead of the system's CAs; null for the system's
 * @param token the shared secret to send, or null
 */
public record PipelineOptions(WireFormat wire, int microBatchRows, Duration connectTimeout, Duration stepTimeout,
                              Duration healthInterval, Duration healthTimeout, boolean tls, Path trustedCerts,
                              ClusterToken token) {
    public PipelineOptions {
        if (wire == null) {
            throw new Neox4jException("the wire dtype must be given");
        }
        if (microBatchRows < 1) {
            throw new Neox4jException("micro-batch rows must be at least 1, got " + microBatchRows);
        }
        for (Duration d : new Duration[] {connectTimeout, stepTimeout, healthInterval, healthTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new Neox4jException("pipeline timeouts and intervals must be positive");
            }
        }
        tls = tls || trustedCerts != null;
    }

    /** float32 on the wire, micro-batches of 64 rows, 10 s to connect, 120 s per step, health every second, plaintext. */
    public static PipelineOptions defaults() {
        return new PipelineOptions(WireFormat.F32, 64, Duration.ofSeconds(10), Duration.ofSeconds(120),
                Duration.ofSeconds(1), Duration.ofSeconds(2), false, null, null);
    }

    public PipelineOptions withWire(WireFormat w) {
        return new PipelineOptions(w, microBatchRows, connectTimeout, stepTimeout, healthInterval, healthTimeout, tls, trustedCerts, token);
    }

    public PipelineOptions withMicroBatchRows(int rows) {
        return new PipelineOptions(wire, rows, connectTimeout, stepTimeout, healthInterval, healthTimeout, tls, trustedCerts, token);
    }

    public PipelineOptions withTimeouts(Duration connect, Duration step) {
        return new PipelineOptions(wire, microBatchRows, connect, step, healthInterval, healthTimeout, tls, trustedCerts, token);
    }

    public PipelineOptions withHealth(Duration interval, Duration timeout) {
        return new PipelineOptions(wire, microBatchRows, connectTimeout, stepTimeout, interval, timeout, tls, trustedCerts, token);
    }

    public PipelineOptions withTls(boolean on, Path trusted) {
        return new PipelineOptions(wire, microBatchRows, connectTimeout, stepTimeout, healthInterval, healthTimeout, on, trusted, token);
    }

    public PipelineOptions withToken(ClusterToken t) {
        return new PipelineOptions(wire, microBatchRows, connectTimeout, stepTimeout, healthInterval, healthTimeout, tls, trustedCerts, t);
    }
}
