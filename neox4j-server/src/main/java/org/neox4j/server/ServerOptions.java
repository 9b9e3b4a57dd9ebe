package org.neox4j.server;

import java.time.Duration;

/**
 * How the server listens and what it accepts.
 *
 * @param host address to bind (loopback by default)
 * @param port TCP port (0 = any free port)
 * @param apiKey when not null, every {@code /v1/} request needs {@code Authorization: Bearer <apiKey>}
 * @param modelName the id shown by {@code /v1/models} and echoed in responses
 * @param chatTemplate how chat messages become a prompt
 * @param maxBodyBytes request bodies larger than this are refused with 413
 * @param requestTimeout a generation still running after this is cancelled
 */
public record ServerOptions(String host, int port, String apiKey, String modelName, ChatTemplate chatTemplate,
                            long maxBodyBytes, Duration requestTimeout) {

    public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be given");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key must not be blank");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the body size limit must be at least 1024 bytes, got " + maxBodyBytes);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive");
        }
        if (modelName == null || modelName.isBlank() || chatTemplate == null) {
            throw new IllegalArgumentException("model name and chat template must be given");
        }
    }

    /** Loopback, port 8080, no key, 4 MiB bodies, 10 minute timeout, the default chat template. */
    public static ServerOptions defaults(String modelName) {
        return new ServerOptions("127.0.0.1", 8080, null, modelName, ChatTemplate.defaultTemplate(), DEFAULT_MAX_BODY_BYTES,
                DEFAULT_TIMEOUT);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, apiKey, modelName, chatTemplate, maxBodyBytes, requestTimeout);
    }

    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, key, modelName, chatTemplate, maxBodyBytes, requestTimeout);
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, apiKey, modelName, chatTemplate, maxBodyBytes, requestTimeout);
    }

    public ServerOptions withChatTemplate(ChatTemplate t) {
        return new ServerOptions(host, port, apiKey, modelName, t, maxBodyBytes, requestTimeout);
    }

    public ServerOptions withMaxBodyBytes(long n) {
        return new ServerOptions(host, port, apiKey, modelName, chatTemplate, n, requestTimeout);
    }

    public ServerOptions withRequestTimeout(Duration d) {
        return new ServerOptions(host, port, apiKey, modelName, chatTemplate, maxBodyBytes, d);
    }
}
