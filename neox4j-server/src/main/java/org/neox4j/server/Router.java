package org.neox4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dispatches requests by path and method, and applies what every request shares: the API key
 * check on {@code /v1/}, OpenAI-style errors (never a stack trace: unexpected failures are logged
 * and answered with a plain 500), and the request counter by endpoint and status.
 */
final class Router implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    /** What an endpoint does with a request. */
    @FunctionalInterface
    interface Endpoint {
        void handle(Exchange exchange) throws Exception;
    }

    private record Route(String method, Endpoint endpoint) {
    }

    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final byte[] apiKey;
    private final long maxBodyBytes;
    private final ServerMetrics metrics;

    Router(String apiKey, long maxBodyBytes, ServerMetrics metrics) {
        this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    Router route(String method, String path, Endpoint endpoint) {
        routes.put(path, new Route(method, endpoint));
        return this;
    }

    @Override
    public void handle(HttpExchange http) {
        Exchange ex = new Exchange(http, maxBodyBytes);
        Route route = routes.get(ex.path());
        String label = route == null ? "other" : ex.path();
        try {
            if (route == null) {
                throw new ApiException(404, "invalid_request_error", null, "unknown_url",
                        "Unknown request URL: " + ex.method() + " " + ex.path());
            }
            if (!route.method().equals(ex.method())) {
                ex.setHeader("Allow", route.method());
                throw new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                        "Method " + ex.method() + " is not allowed on " + ex.path() + "; use " + route.method());
            }
            if (ex.path().startsWith("/v1/")) {
                authorize(ex);
            }
            route.endpoint().handle(ex);
        } catch (ApiException e) {
            respond(ex, e);
        } catch (IOException e) {
            // the client went away or sent a broken request: nothing more to say to it
            LOG.log(Level.FINE, "I/O error on " + ex.path(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            LOG.log(Level.SEVERE, "internal error on " + ex.method() + " " + ex.path(), e);
            respond(ex, new ApiException(500, "server_error", null, "internal_error",
                    "The server had an error while processing your request"));
        } finally {
            metrics.request(label, ex.status() == 0 ? 499 : ex.status());
            ex.close();
        }
    }

    private void authorize(Exchange ex) {
        if (apiKey == null) {
            return;
        }
        String header = ex.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "invalid_request_error", null, "invalid_api_key",
                    "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(apiKey, given)) {
            throw new ApiException(401, "invalid_request_error", null, "invalid_api_key", "Incorrect API key provided");
        }
    }

    private static void respond(Exchange ex, ApiException e) {
        if (ex.responseStarted()) {
            return; // a stream already reports its own errors
        }
        try {
            ex.sendError(e);
        } catch (IOException ignored) {
            // the client is gone
        }
    }
}
