package org.neox4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** One HTTP request and its response, with the body size limit and the status kept for metrics. */
final class Exchange {
    private final HttpExchange http;
    private final long maxBodyBytes;
    private int status;

    Exchange(HttpExchange http, long maxBodyBytes) {
        this.http = http;
        this.maxBodyBytes = maxBodyBytes;
    }

    String method() {
        return http.getRequestMethod();
    }

    String path() {
        return http.getRequestURI().getPath();
    }

    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    /** The status sent, or 0 before the response started. */
    int status() {
        return status;
    }

    boolean responseStarted() {
        return status != 0;
    }

    /** The body as JSON; 413 beyond the size limit (declared or actual), 400 when it is not JSON. */
    JsonNode readJson() throws IOException {
        String length = header("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBodyBytes) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw ApiException.badJson("invalid Content-Length header");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try (InputStream in = http.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (out.size() + n > maxBodyBytes) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        }
        if (out.size() == 0) {
            throw ApiException.badJson("the request has no body; send a JSON object");
        }
        return Json.parse(out.toByteArray());
    }

    private ApiException tooLarge() {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "the request body is larger than the server's limit of " + maxBodyBytes + " bytes");
    }

    void sendJson(int code, JsonNode body) throws IOException {
        send(code, "application/json", Json.bytes(body));
    }

    void sendError(ApiException e) throws IOException {
        sendJson(e.status(), Json.error(e));
    }

    void send(int code, String contentType, byte[] body) throws IOException {
        http.getResponseHeaders().set("Content-Type", contentType);
        status = code;
        http.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        }
    }

    void setHeader(String name, String value) {
        http.getResponseHeaders().set(name, value);
    }

    /** Starts a server-sent event stream (200, chunked). */
    SseStream openSse() throws IOException {
        http.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        http.getResponseHeaders().set("Cache-Control", "no-cache");
        http.getResponseHeaders().set("X-Accel-Buffering", "no");
        status = 200;
        http.sendResponseHeaders(200, 0);
        return new SseStream(http.getResponseBody());
    }

    void close() {
        http.close();
    }

    /** Server-sent events: {@code data: <json>} blocks, each flushed at once, ending with {@code data: [DONE]}. */
    static final class SseStream {
        private final OutputStream out;

        SseStream(OutputStream out) {
            this.out = out;
        }

        /** Writes one event; an IOException means the client is gone. */
        void send(JsonNode data) throws IOException {
            write("data: " + Json.MAPPER.writeValueAsString(data) + "\n\n");
        }

        void done() throws IOException {
            write("data: [DONE]\n\n");
            out.close();
        }

        private void write(String event) throws IOException {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
