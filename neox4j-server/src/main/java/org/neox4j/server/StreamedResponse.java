package org.neox4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The frame every streamed endpoint shares: its events, then (when asked) a usage chunk with no
 * choices, then {@code [DONE]}. An API error after the stream has started becomes an error event;
 * a client that has gone cancels the run, freeing its sequences at the next step.
 */
final class StreamedResponse {
    private StreamedResponse() {
    }

    /** Sends one run's chunks and returns the completion tokens generated. */
    @FunctionalInterface
    interface Events {
        long send() throws Exception;
    }

    /**
     * @param usagePromptTokens prompt tokens for the final usage chunk, or negative for none
     * @param usageEnvelope the endpoint's chunk envelope (id, object, created, model) for the usage chunk
     */
    static void send(Exchange.SseStream sse, GenerationRun run, long usagePromptTokens, ObjectNode usageEnvelope, Events events)
            throws Exception {
        try {
            long completionTokens = events.send();
            if (usagePromptTokens >= 0) {
                usageEnvelope.set("choices", Json.array());
                usageEnvelope.set("usage", new Usage(usagePromptTokens, completionTokens).toJson());
                sse.send(usageEnvelope);
            }
            sse.done();
        } catch (ApiException e) {
            StreamErrors.report(sse, e, run);
        } catch (IOException e) {
            run.cancel(); // the client has gone: free its sequences at the next step
            throw e;
        }
    }
}
