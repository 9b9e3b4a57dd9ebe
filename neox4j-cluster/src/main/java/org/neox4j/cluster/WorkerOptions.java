package org.neox4j.cluster;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.neox4j.Neox4jException;

/**
 * How a worker serves its layers.
 *
 * @param model the model as given on the command line (told to coordinators; informational)
 * @param listen address to bind: loopback unless told otherwise; port 0 picks a free one
 * @param tlsCert certificate chain (PEM) for TLS, or null for plaintext
 * @param tlsKey private key (PKCS#8 PEM) for TLS, or null
 * @param token shared secret every call must carry, or null to accept any peer
 * @param maxContext most KV cache positions one sequence may reserve
 * @param kvBudgetBytes most bytes of KV cache over all sessions
 * @param log where to report sessions opening and ending (a line each)
 */
public record WorkerOptions(String model, Endpoint listen, Path tlsCert, Path tlsKey, ClusterToken token, int maxContext,
                            long kvBudgetBytes, Consumer<String> log) {
    public WorkerOptions {
        if (maxContext < 1) {
            throw new Neox4jException("the worker's maximum context must be at least 1, got " + maxContext);
        }
        if (kvBudgetBytes < 1) {
            throw new Neox4jException("the worker's KV cache budget must be positive, got " + kvBudgetBytes);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new Neox4jException("TLS needs both --tls-cert and --tls-key");
        }
        log = log == null ? line -> { } : log;
    }

    /** Plaintext, no token, on loopback at {@code port}, half the heap for KV caches. */
    public static WorkerOptions loopback(String model, int port, int maxContext) {
        return new WorkerOptions(model, new Endpoint("127.0.0.1", port), null, null, null, maxContext,
                Runtime.getRuntime().maxMemory() / 2, null);
    }

    public WorkerOptions withTls(Path cert, Path key) {
        return new WorkerOptions(model, listen, cert, key, token, maxContext, kvBudgetBytes, log);
    }

    public WorkerOptions withToken(ClusterToken t) {
        return new WorkerOptions(model, listen, tlsCert, tlsKey, t, maxContext, kvBudgetBytes, log);
    }

    public WorkerOptions withLog(Consumer<String> l) {
        return new WorkerOptions(model, listen, tlsCert, tlsKey, token, maxContext, kvBudgetBytes, l);
    }
}
