package org.neox4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.neox4j.hub.HubException.Reason;

/**
 * The hub's HTTP API, the two calls a pull needs:
 * <ul>
 *   <li>{@code GET /api/models/ORG/NAME/revision/REV?blobs=true}: the commit a revision points to and its
 *       files with sizes and hashes ({@link #listFiles});
 *   <li>{@code GET /ORG/NAME/resolve/COMMIT/FILE}: a file's content, usually a redirect to a CDN for LFS
 *       files, with {@code Range} to resume ({@link #openFile}).
 * </ul>
 * Redirects are followed here rather than by the HTTP client so that the token is only ever sent to
 * the hub itself, never to the CDN host a redirect points to.
 */
public final class HubClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 8;
    private static final int MAX_LISTING_BYTES = 64 << 20;
    private static final int MAX_ERROR_BYTES = 64 << 10;

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = Objects.requireNonNull(settings);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The commit {@code revision} points to and the files it holds. */
    public RepoFiles listFiles(RepoId repo, String revision) {
        HubCache.checkRevision(revision);
        URI uri = URI.create(settings.endpointBase() + "/api/models/" + repo + "/revision/" + encode(revision, false) + "?blobs=true");
        HubErrors.Context context = context(repo, revision, null);
        try (Response response = get(uri, -1, context)) {
            byte[] body = response.body().readAll(MAX_LISTING_BYTES);
            return parseListing(repo, revision, body);
        } catch (IOException e) {
            throw HubErrors.forNetwork(e, uri, context);
        }
    }

    /**
     * Opens the content of {@code file} at {@code commit}, from byte {@code offset} on (a {@code Range}
     * request when {@code offset > 0}). The answer is 200 (whole file: the server ignored the range) or
     * 206 (from {@code offset}); anything else is thrown as a {@link HubException}.
     */
    public Response openFile(RepoId repo, String commit, String file, long offset) {
        URI uri = URI.create(settings.endpointBase() + "/" + repo + "/resolve/" + encode(commit, false) + "/" + encode(file, true));
        HubErrors.Context context = context(repo, commit, file);
        try {
            return get(uri, offset, context);
        } catch (IOException e) {
            throw HubErrors.forNetwork(e, uri, context);
        }
    }

    /**
     * Stops the HTTP client without waiting for exchanges still open (HttpClient.close() would wait
     * for each; one whose body nobody reads again would hang it): by now every response this client
     * handed out has been read or closed by its caller, or its caller has failed.
     */
    @Override
    public void close() {
        http.shutdownNow();
        try {
            http.awaitTermination(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An open successful response: status, headers and the body still to be read. */
    public record Response(int status, URI uri, HttpHeaders headers, BodyStream body) implements AutoCloseable {
        @Override
        public void close() {
            body.close();
        }
    }

    private Response get(URI start, long offset, HubErrors.Context context) throws IOException {
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .GET()
                    .timeout(settings.readTimeout())
                    .header("User-Agent", userAgent())
                    .header("Accept-Encoding", "identity");
            if (offset > 0) {
                request.header("Range", "bytes=" + offset + "-");
            }
            if (settings.hasToken() && sameOrigin(uri, settings.endpoint())) {
                request.header("Authorization", "Bearer " + settings.token());
            }
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = send(request.build());
            BodyStream body = new BodyStream(settings.readTimeout(), uri.toString());
            response.body().subscribe(body);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Response(status, uri, response.headers(), body);
            }
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                body.close();
                uri = uri.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            byte[] errorBody;
            try {
                errorBody = body.readAll(MAX_ERROR_BYTES);
            } catch (IOException e) {
                errorBody = new byte[0];
            }
            throw HubErrors.forStatus(status, response.headers(), errorBody, context);
        }
        throw new HubException(Reason.PROTOCOL, "more than " + MAX_REDIRECTS + " redirects fetching " + context.where()
                + " from " + start);
    }

    private HttpResponse<Flow.Publisher<List<ByteBuffer>>> send(HttpRequest request)
            throws IOException {
        CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> pending =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofPublisher());
        try {
            return pending.get();
        } catch (InterruptedException e) {
            // An answer that arrived as this thread was interrupted (a failed download cancels the
            // others) is not cancelled by cancelling the future: its unread body would keep the
            // exchange open, and HttpClient.close() waits for every exchange. Discard it.
            pending.cancel(true);
            pending.thenAccept(response -> response.body().subscribe(new Discard()));
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + request.uri());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }

    /** Reads nothing of a response body: cancels it at once, which ends the exchange. */
    private static final class Discard implements Flow.Subscriber<List<ByteBuffer>> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }

    private RepoFiles parseListing(RepoId repo, String revision, byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new HubException(Reason.PROTOCOL, "the hub's file list for " + repo + " at " + revision
                    + " is not valid JSON: " + e.getMessage(), e);
        }
        String commit = root.path("sha").asText("");
        if (!HubCache.isCommitHash(commit)) {
            throw new HubException(Reason.PROTOCOL, "the hub's answer for " + repo + " at " + revision
                    + " has no commit hash ('sha'); is " + settings.endpoint() + " a Hugging Face hub?");
        }
        List<FileEntry> files = new ArrayList<>();
        for (JsonNode sibling : root.path("siblings")) {
            String name = sibling.path("rfilename").asText(null);
            JsonNode lfs = sibling.get("lfs");
            boolean isLfs = lfs != null && lfs.isObject();
            long size = isLfs && lfs.has("size") ? lfs.path("size").asLong(-1) : sibling.path("size").asLong(-1);
            try {
                files.add(new FileEntry(name, size, textOrNull(sibling.get("blobId")), isLfs ? textOrNull(lfs.get("sha256")) : null));
            } catch (IllegalArgumentException e) {
                throw new HubException(Reason.PROTOCOL, "the hub's file list for " + repo + " at " + revision
                        + " has an unusable entry: " + e.getMessage(), e);
            }
        }
        return new RepoFiles(repo, commit, files);
    }

    private HubErrors.Context context(RepoId repo, String revision, String file) {
        return new HubErrors.Context(URI.create(settings.endpointBase()), repo, revision, file, settings.hasToken());
    }

    private static String textOrNull(JsonNode node) {
        return node == null || !node.isTextual() ? null : node.asText();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Percent-encodes like Python's {@code urllib.parse.quote}, keeping '/' only when asked. */
    static String encode(String text, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private static String userAgent() {
        String version = HubClient.class.getPackage().getImplementationVersion();
        return "neox4j/" + (version == null ? "dev" : version) + "; java/" + Runtime.version().feature();
    }
}
