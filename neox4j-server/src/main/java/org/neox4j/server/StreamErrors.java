package org.neox4j.server;

import java.io.IOException;

/** An error after a stream has started: one {@code data: {"error": ...}} event, then the end of the stream. */
final class StreamErrors {
    private StreamErrors() {
    }

    static void report(Exchange.SseStream sse, ApiException e, GenerationRun run) {
        run.cancel();
        try {
            sse.send(Json.error(e));
            sse.done();
        } catch (IOException ignored) {
            // the client is gone as well
        }
    }
}
