package org.neox4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The OpenAI-compatible HTTP server: the JDK's HTTP server with one virtual thread per request,
 * in front of a {@link ServedModel}'s batch scheduler. Closing it stops listening; the model and
 * scheduler belong to the caller.
 *
 * <pre>{@code
 * try (LanguageModel lm = LanguageModel.load(dir, LoadOptions.defaults());
 *      BatchScheduler scheduler = BatchScheduler.start(lm, new BatchOptions(8, 1L << 30, 64, 2048));
 *      OpenAiServer server = OpenAiServer.start(new ServedModel("pythia", lm, scheduler), ServerOptions.defaults("pythia"))) {
 *     System.err.println("listening on " + server.url());
 *     ...
 * }
 * }</pre>
 */
public final class OpenAiServer implements AutoCloseable {
    private static final String PLAYGROUND_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
            + " connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final HttpServer http;
    private final ExecutorService executor;
    private final ServerMetrics metrics;

    private OpenAiServer(HttpServer http, ExecutorService executor, ServerMetrics metrics) {
        this.http = http;
        this.executor = executor;
        this.metrics = metrics;
    }

    /** Binds and starts serving. */
    public static OpenAiServer start(ServedModel served, ServerOptions options) throws IOException {
        ServerMetrics metrics = new ServerMetrics(served.scheduler());
        byte[] playground = resource("playground.html");
        Router router = new Router(options.apiKey(), options.maxBodyBytes(), metrics)
                .route("GET", "/", ex -> {
                    ex.setHeader("Content-Security-Policy", PLAYGROUND_CSP);
                    ex.setHeader("X-Content-Type-Options", "nosniff");
                    ex.send(200, "text/html; charset=utf-8", playground);
                })
                .route("GET", "/health", ex -> ex.sendJson(200, Json.object().put("status", "ok")))
                .route("GET", "/metrics", ex -> ex.send(200, ServerMetrics.contentType(), metrics.scrape()))
                .route("GET", "/v1/models", ex -> ex.sendJson(200, models(served)))
                .route("POST", "/v1/completions", new CompletionsEndpoint(served, metrics, options.requestTimeout()))
                .route("POST", "/v1/chat/completions",
                        new ChatEndpoint(served, metrics, options.requestTimeout(), options.chatTemplate()))
                .route("POST", "/v1/embeddings", new EmbeddingsEndpoint(served, metrics));
        HttpServer http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", router);
        http.start();
        return new OpenAiServer(http, executor, metrics);
    }

    private static ObjectNode models(ServedModel served) {
        ObjectNode model = Json.object();
        model.put("id", served.name());
        model.put("object", "model");
        model.put("created", Ids.now());
        model.put("owned_by", "neox4j");
        model.put("max_model_len", served.context());
        ObjectNode list = Json.object();
        list.put("object", "list");
        list.set("data", Json.array().add(model));
        return list;
    }

    private static byte[] resource(String name) {
        try (InputStream in = OpenAiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port it listens on (useful after binding port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String host = http.getAddress().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** Stops listening and ends the request threads (their generations are cancelled as their clients lose them). */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
