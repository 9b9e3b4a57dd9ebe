package org.neox4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hub's refusals, turned into messages that say what to do. */
class HubErrorsTest {
    static final HubErrors.Context NO_TOKEN = new HubErrors.Context(URI.create("https://huggingface.co"),
            RepoId.parse("org/private-model"), "main", null, false);

    static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (k, v) -> true);
    }

    @Test
    void privateOrMissingRepoWithoutTokenSuggestsOne() {
        // Without a token the hub answers 401 RepoNotFound for both private and missing repositories.
        HubException e = HubErrors.forStatus(401, headers(Map.of("X-Error-Code", List.of("RepoNotFound"))), new byte[0], NO_TOKEN);

        assertEquals(HubException.Reason.NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains("repository org/private-model not found") && e.getMessage().contains("HF_TOKEN"),
                e.getMessage());
    }

    @Test
    void serverErrorsAreRetryableAndCarryTheHubsMessage() {
        byte[] body = "{\"error\":\"maintenance\"}".getBytes(StandardCharsets.UTF_8);
        HubException e = HubErrors.forStatus(503, headers(Map.of()), body, NO_TOKEN);

        assertEquals(HubException.Reason.SERVER, e.reason());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("HTTP 503") && e.getMessage().contains("(hub: maintenance)"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        HubErrors.Context file = new HubErrors.Context(URI.create("https://huggingface.co"), RepoId.parse("org/m"), "main",
                "tokenizer.json", false);

        HubException e = HubErrors.forStatus(404, headers(Map.of("X-Error-Code", List.of("EntryNotFound"))), new byte[0], file);

        assertEquals(HubException.Reason.NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains("'tokenizer.json' of org/m at revision main not found"), e.getMessage());
    }
}
