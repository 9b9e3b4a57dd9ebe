package org.neox4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import org.neox4j.hub.HubException.Reason;

/**
 * Turns the hub's error answers and network failures into {@link HubException}s that say what is
 * wrong and what to do. The hub explains its refusals in the {@code X-Error-Code} header
 * ({@code RepoNotFound}, {@code RevisionNotFound}, {@code EntryNotFound}, {@code GatedRepo}) and in
 * {@code X-Error-Message} or a JSON body {@code {"error": "..."}}.
 */
final class HubErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HubErrors() {
    }

    /** What a request was about, for messages. {@code file} is null for repository-level requests. */
    record Context(URI endpoint, RepoId repo, String revision, String file, boolean hasToken) {
        String where() {
            return file == null ? repo + " at revision " + revision : "'" + file + "' of " + repo + " at revision " + revision;
        }
    }

    static HubException forStatus(int status, HttpHeaders headers, byte[] body, Context context) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String hubSays = hubMessage(headers, body);
        String suffix = hubSays.isEmpty() ? "" : " (hub: " + hubSays + ")";
        String tokenHint = context.hasToken()
                ? "the token in use (HF_TOKEN or $HF_HOME/token) was refused or has no access to it"
                : "no token is set: set HF_TOKEN to an access token (https://huggingface.co/settings/tokens)"
                        + " or run `huggingface-cli login`";
        if (code.equals("GatedRepo")) {
            return new HubException(Reason.UNAUTHORIZED, context.repo() + " is a gated model: accept its license at "
                    + context.endpoint() + "/" + context.repo() + " while logged in, and make neox4j use a token of that"
                    + " account; " + tokenHint + suffix);
        }
        if (code.equals("RepoNotFound") || (status == 404 && context.file() == null && code.isEmpty())) {
            String privateHint = context.hasToken() ? "" : "; if it is private, " + tokenHint;
            return new HubException(Reason.NOT_FOUND, "repository " + context.repo() + " not found on " + context.endpoint()
                    + ": check the name (ORG/NAME, as on the model's page)" + privateHint + suffix);
        }
        if (code.equals("RevisionNotFound")) {
            return new HubException(Reason.NOT_FOUND, "revision '" + context.revision() + "' not found in " + context.repo()
                    + ": check the branch, tag or commit name" + suffix);
        }
        if (code.equals("EntryNotFound") || status == 404) {
            return new HubException(Reason.NOT_FOUND, "file " + context.where() + " not found on " + context.endpoint() + suffix);
        }
        if (status == 401 || status == 403) {
            return new HubException(Reason.UNAUTHORIZED, "access to " + context.where() + " was refused (HTTP " + status
                    + "); if the model is gated, accept its license at " + context.endpoint() + "/" + context.repo()
                    + "; " + tokenHint + suffix);
        }
        if (status == 429 || status >= 500) {
            return new HubException(Reason.SERVER, "the hub answered HTTP " + status + " for " + context.where()
                    + (status == 429 ? " (too many requests)" : "") + "; try again later" + suffix);
        }
        return new HubException(Reason.PROTOCOL, "unexpected HTTP " + status + " from the hub for " + context.where() + suffix);
    }

    /** A network failure reaching {@code uri}, worded for a person who may be offline or behind a firewall. */
    static HubException forNetwork(IOException e, URI uri, Context context) {
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String what;
        if (e instanceof HttpConnectTimeoutException) {
            what = "timed out connecting to " + host;
        } else if (e instanceof HttpTimeoutException) {
            what = host + " did not answer in time";
        } else if (e instanceof ConnectException || e instanceof UnknownHostException || e.getCause() instanceof ConnectException) {
            what = "cannot reach " + host + " (" + cause + ")";
        } else {
            what = "network error with " + host + " (" + cause + ")";
        }
        return new HubException(Reason.NETWORK, what + " while fetching " + context.where()
                + "; check the connection (HF_ENDPOINT is " + context.endpoint() + "), or work from the cache with"
                + " --offline / HF_HUB_OFFLINE=1", e);
    }

    private static String hubMessage(HttpHeaders headers, byte[] body) {
        String header = headers.firstValue("X-Error-Message").orElse("");
        if (!header.isBlank()) {
            return header.strip();
        }
        if (body == null || body.length == 0) {
            return "";
        }
        try {
            JsonNode error = JSON.readTree(body).get("error");
            return error != null && error.isTextual() ? error.asText().strip() : "";
        } catch (IOException | RuntimeException e) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return text.length() > 200 || text.startsWith("<") ? "" : text;
        }
    }
}
