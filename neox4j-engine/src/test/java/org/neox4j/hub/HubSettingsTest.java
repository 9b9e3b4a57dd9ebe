package org.neox4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment variables huggingface_hub reads, read the same way. */
class HubSettingsTest {
    @TempDir
    Path home;

    @Test
    void defaultsFollowHuggingfaceHub() {
        HubSettings s = HubSettings.fromEnvironment(Map.of(), home);

        assertEquals(URI.create("https://huggingface.co"), s.endpoint());
        assertEquals(home.resolve(".cache/huggingface/hub"), s.cacheDir());
        assertNull(s.token());
        assertFalse(s.offline());
    }

    @Test
    void cacheDirectoryFromHfHomeXdgOrHfHubCache() {
        assertEquals(Path.of("/data/hf/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "/data/hf"), home).cacheDir());
        assertEquals(Path.of("/x/huggingface/hub"), HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"), home).cacheDir());
        assertEquals(Path.of("/c"), HubSettings.fromEnvironment(Map.of("HF_HOME", "/data/hf", "HF_HUB_CACHE", "/c"), home).cacheDir());
        assertEquals(Path.of("/legacy"), HubSettings.fromEnvironment(Map.of("HUGGINGFACE_HUB_CACHE", "/legacy"), home).cacheDir());
        assertEquals(home.resolve("hf/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "~/hf"), home).cacheDir());
    }

    @Test
    void tokenFromVariableOrFromTheLoginFile() throws IOException {
        Path hfHome = home.resolve("hf");
        Files.createDirectories(hfHome);
        Files.writeString(hfHome.resolve("token"), "hf_fromFile\n");

        assertEquals("hf_fromFile", HubSettings.fromEnvironment(Map.of("HF_HOME", hfHome.toString()), home).token());
        assertEquals("hf_fromEnv", HubSettings.fromEnvironment(Map.of("HF_HOME", hfHome.toString(), "HF_TOKEN", "hf_fromEnv"), home).token());
        Path elsewhere = home.resolve("my-token");
        Files.writeString(elsewhere, "hf_path");
        assertEquals("hf_path", HubSettings.fromEnvironment(Map.of("HF_TOKEN_PATH", elsewhere.toString()), home).token());
    }

    @Test
    void offlineAcceptsTheUsualTrueValues() {
        for (String yes : new String[] {"1", "true", "YES", "on"}) {
            assertTrue(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", yes), home).offline(), yes);
        }
        for (String no : new String[] {"0", "false", "", "no"}) {
            assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", no), home).offline(), no);
        }
    }

    @Test
    void endpointFromEnvironmentWithoutTrailingSlash() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://hf-mirror.example/"), home);

        assertEquals("https://hf-mirror.example", s.endpointBase());
    }

    @Test
    void badEndpointIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x"), home));

        assertTrue(e.getMessage().contains("HF_ENDPOINT"), e.getMessage());
        IllegalArgumentException syntax = assertThrows(IllegalArgumentException.class,
                () -> HubSettings.fromEnvironment(Map.of(), home).withEndpoint("http://bad host"));
        assertTrue(syntax.getMessage().startsWith("invalid hub endpoint 'http://bad host'"), syntax.getMessage());
    }

    @Test
    void toStringNeverShowsTheToken() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_TOKEN", "hf_secret"), home);

        assertFalse(s.toString().contains("hf_secret"), s.toString());
        assertTrue(s.toString().contains("token=(set)"));
    }
}
