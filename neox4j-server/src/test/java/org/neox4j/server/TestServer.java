package org.neox4j.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.batch.BatchOptions;
import org.neox4j.generate.batch.BatchScheduler;
import org.neox4j.model.LoadOptions;
import org.neox4j.testing.Golden;

/**
 * A server on 127.0.0.1 and an ephemeral port over the golden tiny-parallel model (real 20B
 * tokenizer, random weights), with its scheduler behind a {@link GatedForward}.
 */
final class TestServer implements AutoCloseable {
    static final String MODEL = "tiny-parallel";
    static final String KEY = "sk-test-key";

    final LanguageModel lm;
    final GatedForward gate;
    final BatchScheduler scheduler;
    final OpenAiServer server;

    TestServer(BatchOptions batch, ServerOptions options) {
        lm = LanguageModel.load(Golden.model(MODEL), LoadOptions.defaults().withThreads(2));
        try {
            gate = new GatedForward(lm.model().network());
            scheduler = BatchScheduler.start(lm, batch, gate);
            server = OpenAiServer.start(new ServedModel(MODEL, lm, scheduler), options);
        } catch (IOException e) {
            lm.close();
            throw new UncheckedIOException(e);
        }
    }

    /** Max batch 8, 64 MiB of KV cache, queue 16, API key {@link #KEY}, 60 s timeout. */
    static TestServer standard() {
        return new TestServer(new BatchOptions(8, 64L << 20, 16, 256), options());
    }

    static ServerOptions options() {
        return ServerOptions.defaults(MODEL).withPort(0).withApiKey(KEY).withRequestTimeout(Duration.ofSeconds(60));
    }

    OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    /** A raw HTTP request (for what the SDK would not send). */
    HttpResponse<String> http(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        b.header("Content-Type", "application/json");
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http("POST", path, body, KEY);
    }

    /** Polls {@code condition} every 10 ms for up to 30 s (a bound, not a timing assumption). */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        gate.open();
        server.close();
        scheduler.close();
        lm.close();
    }
}
