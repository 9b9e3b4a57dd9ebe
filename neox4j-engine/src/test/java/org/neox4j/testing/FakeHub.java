package org.neox4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Hugging Face hub on loopback, for tests. It answers the calls neox4j makes the way
 * the hub does: {@code GET /api/models/ORG/NAME/revision/REV} (commit and files with sizes and hashes),
 * {@code GET /ORG/NAME/resolve/REV/FILE} (small files directly with {@code ETag} and
 * {@code X-Repo-Commit}; LFS files as a 302 to a CDN on another port with {@code X-Linked-Etag} and
 * {@code X-Linked-Size}), {@code Range} requests, and errors with {@code X-Error-Code}. Faults can be
 * scheduled: cut the connection or stall after some bytes, or serve corrupt bytes. Every request is logged.
 */
public final class FakeHub implements AutoCloseable {
    /** The only token a gated repository accepts. */
    public static final String TOKEN = "hf_fakeTokenForTests";

    private static final Pattern RESOLVE = Pattern.compile("/([^/]+)/([^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern API = Pattern.compile("/api/models/([^/]+)/([^/]+)/revision/([^/]+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** One request as the server saw it; {@code bytes} is the number of body bytes it sent. */
    public record Request(String server, String method, String path, String range, boolean authorized, int status, long bytes) {
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final Map<String, FakeRepo> repos = new ConcurrentHashMap<>();
    private final List<Request> log = new CopyOnWriteArrayList<>();

    private FakeHub() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(loopback, 16);
        cdn = HttpServer.create(loopback, 16);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.setExecutor(executor);
        cdn.setExecutor(executor);
        hub.start();
        cdn.start();
    }

    public static FakeHub start() {
        try {
            return new FakeHub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hub's URL, for HF_ENDPOINT / --endpoint. */
    public String endpoint() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + hub.getAddress().getPort();
    }

    /** A new repository {@code id} at a fixed commit, with no files yet. */
    public FakeRepo addRepo(String id) {
        FakeRepo repo = new FakeRepo(id);
        repos.put(id, repo);
        return repo;
    }

    /** A repository holding {@code files} of the golden model directory {@code dir}. */
    public FakeRepo addModel(String id, Path dir, String... files) {
        FakeRepo repo = addRepo(id);
        for (String file : files) {
            try {
                repo.file(file, Files.readAllBytes(dir.resolve(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return repo;
    }

    public List<Request> requests() {
        return List.copyOf(log);
    }

    /** Requests for the content of {@code file} (resolve or CDN), in order. */
    public List<Request> contentRequests(String file) {
        List<Request> out = new ArrayList<>();
        for (Request r : log) {
            boolean cdnOfFile = r.server().equals("cdn") && repos.values().stream().anyMatch(repo -> repo.isCdnPathOf(r.path(), file));
            if (cdnOfFile || (r.server().equals("hub") && r.path().endsWith("/" + file) && r.path().contains("/resolve/"))) {
                out.add(r);
            }
        }
        return out;
    }

    /** Body bytes sent for the content of {@code file}. */
    public long bytesServed(String file) {
        return contentRequests(file).stream().mapToLong(Request::bytes).sum();
    }

    /** Whether any file content was requested at all (resolve or CDN). */
    public boolean anyContentRequested() {
        return log.stream().anyMatch(r -> r.server().equals("cdn") || r.path().contains("/resolve/"));
    }

    public void clearLog() {
        log.clear();
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        executor.shutdownNow();
    }


    private void handleHub(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        Matcher api = API.matcher(path);
        Matcher resolve = RESOLVE.matcher(path);
        if (api.matches()) {
            FakeRepo repo = repos.get(decode(api.group(1)) + "/" + decode(api.group(2)));
            if (refuse(exchange, "hub", repo, decode(api.group(3)), false)) {
                return;
            }
            send(exchange, "hub", 200, Map.of("Content-Type", "application/json"), listing(repo), -1, 0);
        } else if (resolve.matches()) {
            FakeRepo repo = repos.get(decode(resolve.group(1)) + "/" + decode(resolve.group(2)));
            if (refuse(exchange, "hub", repo, decode(resolve.group(3)), true)) {
                return;
            }
            FakeRepo.Blob blob = repo.blob(decode(resolve.group(4)));
            if (blob == null) {
                error(exchange, "hub", 404, "EntryNotFound", "Entry not found");
            } else if (blob.lfs) {
                exchange.getResponseHeaders().add("Location", "http://" + InetAddress.getLoopbackAddress().getHostAddress()
                        + ":" + cdn.getAddress().getPort() + "/cdn/" + blob.sha256);
                exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + blob.sha256 + "\"");
                exchange.getResponseHeaders().add("X-Linked-Size", String.valueOf(blob.content.length));
                exchange.getResponseHeaders().add("X-Repo-Commit", repo.commit);
                send(exchange, "hub", 302, Map.of(), new byte[0], -1, 0);
            } else {
                exchange.getResponseHeaders().add("ETag", "\"" + blob.gitSha1 + "\"");
                exchange.getResponseHeaders().add("X-Repo-Commit", repo.commit);
                serveContent(exchange, "hub", blob);
            }
        } else {
            error(exchange, "hub", 404, null, "Not Found");
        }
    }

    private void handleCdn(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        FakeRepo.Blob blob = repos.values().stream().flatMap(r -> r.blobs().stream())
                .filter(b -> b.lfs && path.equals("/cdn/" + b.sha256)).findFirst().orElse(null);
        if (blob == null) {
            error(exchange, "cdn", 404, null, "NoSuchKey");
        } else {
            serveContent(exchange, "cdn", blob);
        }
    }

    /** Answers the errors the hub gives for unknown repositories and revisions and for gated files; true if it did. */
    private boolean refuse(HttpExchange exchange, String server, FakeRepo repo, String revision, boolean content) throws IOException {
        if (repo == null) {
            error(exchange, server, 404, "RepoNotFound", "Repository not found");
            return true;
        }
        if (!revision.equals("main") && !revision.equals(repo.commit)) {
            error(exchange, server, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return true;
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (content && repo.gated && !("Bearer " + TOKEN).equals(auth)) {
            error(exchange, server, auth == null ? 401 : 403, "GatedRepo", "Access to model " + repo.id + " is restricted.");
            return true;
        }
        return false;
    }

    private void serveContent(HttpExchange exchange, String server, FakeRepo.Blob blob) throws IOException {
        byte[] content = blob.content;
        if (blob.corrupt) {
            content = content.clone();
            content[content.length / 2] ^= 0x5a;
        }
        long from = 0;
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        int status = 200;
        if (m != null && m.matches()) {
            from = Long.parseLong(m.group(1));
            if (from >= content.length) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                error(exchange, server, 416, null, "Range Not Satisfiable");
                return;
            }
            status = 206;
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
        byte[] body = Arrays.copyOfRange(content, (int) from, content.length);
        boolean fault = blob.faults.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        send(exchange, server, status, Map.of("Content-Type", "application/octet-stream"), body,
                fault ? Math.max(0, blob.cutAfter - from) : -1, fault ? blob.stallMillis : 0);
    }

    private void error(HttpExchange exchange, String server, int status, String code, String message) throws IOException {
        if (code != null) {
            exchange.getResponseHeaders().add("X-Error-Code", code);
        }
        exchange.getResponseHeaders().add("X-Error-Message", message);
        byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        send(exchange, server, status, Map.of("Content-Type", "application/json"), body, -1, 0);
    }

    /**
     * Sends {@code body}; with {@code cutAt >= 0}, only that many bytes and then, after {@code stallMillis}
     * of silence, the connection is dropped.
     */
    private void send(HttpExchange exchange, String server, int status, Map<String, String> headers, byte[] body,
            long cutAt, long stallMillis) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        boolean authorized = exchange.getRequestHeaders().containsKey("Authorization");
        String range = exchange.getRequestHeaders().getFirst("Range");
        String path = exchange.getRequestURI().getRawPath();
        boolean noBody = status == 302 || body.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        long sent = 0;
        try (OutputStream out = exchange.getResponseBody()) {
            if (cutAt >= 0) {
                sent = Math.max(0, Math.min(cutAt, body.length));
                out.write(body, 0, (int) sent);
                out.flush();
                sleep(stallMillis);
                log.add(new Request(server, exchange.getRequestMethod(), path, range, authorized, status, sent));
                throw new IOException("fake hub: connection cut after " + sent + " bytes"); // drops the connection
            }
            if (!noBody) {
                out.write(body);
                sent = body.length;
            }
        }
        log.add(new Request(server, exchange.getRequestMethod(), path, range, authorized, status, sent));
    }

    private byte[] listing(FakeRepo repo) throws IOException {
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (FakeRepo.Blob blob : repo.blobs()) {
            Map<String, Object> sibling = new LinkedHashMap<>();
            sibling.put("rfilename", blob.name);
            sibling.put("blobId", blob.lfs ? hex("SHA-1", blob.sha256.getBytes(StandardCharsets.US_ASCII)) : blob.gitSha1);
            sibling.put("size", blob.content.length);
            if (blob.lfs) {
                sibling.put("lfs", Map.of("sha256", blob.sha256, "size", blob.content.length, "pointerSize", 134));
            }
            siblings.add(sibling);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("_id", "fake" + repo.commit.substring(0, 8));
        info.put("id", repo.id);
        info.put("sha", repo.commit);
        info.put("private", false);
        info.put("gated", repo.gated ? "manual" : false);
        info.put("siblings", siblings);
        return new ObjectMapper().writeValueAsBytes(info);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
