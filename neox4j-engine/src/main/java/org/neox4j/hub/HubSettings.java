package org.neox4j.hub;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where the hub and its cache are and how to talk to it. {@link #fromEnvironment()} reads the same
 * variables as huggingface_hub, so both share one cache and one login:
 * <ul>
 *   <li>{@code HF_ENDPOINT}: the hub's URL (default {@value #DEFAULT_ENDPOINT});
 *   <li>{@code HF_HUB_CACHE} (or the older {@code HUGGINGFACE_HUB_CACHE}): the cache directory, by default
 *       {@code $HF_HOME/hub}, where {@code HF_HOME} defaults to {@code $XDG_CACHE_HOME/huggingface} or
 *       {@code ~/.cache/huggingface};
 *   <li>{@code HF_TOKEN} (or the older {@code HUGGING_FACE_HUB_TOKEN}), else the token file
 *       {@code HF_TOKEN_PATH} or {@code $HF_HOME/token} that {@code huggingface-cli login} writes;
 *   <li>{@code HF_HUB_OFFLINE=1}: never use the network, only the cache.
 * </ul>
 * Tests and embedding applications pass their own map instead of mutating the process environment.
 */
public record HubSettings(
        URI endpoint,
        Path cacheDir,
        String token,
        boolean offline,
        Duration connectTimeout,
        Duration readTimeout,
        int parallelDownloads,
        int retries) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a response may stay silent (no headers, no body bytes) before it counts as stalled. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_PARALLEL_DOWNLOADS = 8;
    /** How many times a broken download is resumed within one pull before giving up. */
    public static final int DEFAULT_RETRIES = 3;

    private static final Set<String> TRUE_VALUES = Set.of("1", "on", "yes", "true");

    public HubSettings {
        endpoint = checkEndpoint(Objects.requireNonNull(endpoint, "endpoint"));
        cacheDir = Objects.requireNonNull(cacheDir, "cacheDir").toAbsolutePath().normalize();
        token = token == null || token.isBlank() ? null : token.strip();
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("hub timeouts must be positive: connect " + connectTimeout + ", read " + readTimeout);
        }
        if (parallelDownloads < 1) {
            throw new IllegalArgumentException("parallel downloads must be at least 1, got " + parallelDownloads);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, got " + retries);
        }
    }

    /** Settings from this process's environment and home directory. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Settings from the given environment variables; {@code home} stands for {@code ~}. */
    public static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        String endpoint = first(env, "HF_ENDPOINT");
        Path hfHome = hfHome(env, home);
        String cache = first(env, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE");
        Path cacheDir = cache != null ? expandHome(cache, home) : hfHome.resolve("hub");
        String token = first(env, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");
        if (token == null) {
            String tokenPath = first(env, "HF_TOKEN_PATH");
            token = readTokenFile(tokenPath != null ? expandHome(tokenPath, home) : hfHome.resolve("token"));
        }
        String offline = first(env, "HF_HUB_OFFLINE");
        return new HubSettings(
                parseEndpoint(endpoint != null ? endpoint : DEFAULT_ENDPOINT),
                cacheDir,
                token,
                offline != null && TRUE_VALUES.contains(offline.strip().toLowerCase(Locale.ROOT)),
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_READ_TIMEOUT,
                DEFAULT_PARALLEL_DOWNLOADS,
                DEFAULT_RETRIES);
    }

    public HubSettings withEndpoint(String url) {
        return new HubSettings(parseEndpoint(url), cacheDir, token, offline, connectTimeout, readTimeout, parallelDownloads, retries);
    }

    public HubSettings withCacheDir(Path dir) {
        return new HubSettings(endpoint, dir, token, offline, connectTimeout, readTimeout, parallelDownloads, retries);
    }

    public HubSettings withToken(String newToken) {
        return new HubSettings(endpoint, cacheDir, newToken, offline, connectTimeout, readTimeout, parallelDownloads, retries);
    }

    public HubSettings withOffline(boolean on) {
        return new HubSettings(endpoint, cacheDir, token, on, connectTimeout, readTimeout, parallelDownloads, retries);
    }

    public HubSettings withTimeouts(Duration connect, Duration read) {
        return new HubSettings(endpoint, cacheDir, token, offline, connect, read, parallelDownloads, retries);
    }

    public HubSettings withParallelDownloads(int n) {
        return new HubSettings(endpoint, cacheDir, token, offline, connectTimeout, readTimeout, n, retries);
    }

    public HubSettings withRetries(int n) {
        return new HubSettings(endpoint, cacheDir, token, offline, connectTimeout, readTimeout, parallelDownloads, n);
    }

    public boolean hasToken() {
        return token != null;
    }

    /** The endpoint as a string without a trailing '/', ready to have paths appended. */
    public String endpointBase() {
        String s = endpoint.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", token=" + (hasToken() ? "(set)" : "(none)")
                + ", offline=" + offline + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", parallelDownloads=" + parallelDownloads + ", retries=" + retries + "]";
    }

    private static URI parseEndpoint(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid hub endpoint '" + url + "' (HF_ENDPOINT or --endpoint): "
                    + e.getReason() + "; expected an http(s) URL such as " + DEFAULT_ENDPOINT, e);
        }
    }

    private static URI checkEndpoint(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("invalid hub endpoint '" + uri + "' (HF_ENDPOINT or --endpoint):"
                    + " expected an http(s) URL such as " + DEFAULT_ENDPOINT);
        }
        return uri;
    }

    private static Path hfHome(Map<String, String> env, Path home) {
        String hfHome = first(env, "HF_HOME");
        if (hfHome != null) {
            return expandHome(hfHome, home);
        }
        String xdg = first(env, "XDG_CACHE_HOME");
        return (xdg != null ? expandHome(xdg, home) : home.resolve(".cache")).resolve("huggingface");
    }

    private static Path expandHome(String path, Path home) {
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
    }

    private static String readTokenFile(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null; // an unreadable token file is treated like no token; requests then say a token is needed
        }
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
