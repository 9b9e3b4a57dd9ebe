package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.testing.FakeHub;
import org.neox4j.testing.FakeRepo;
import org.neox4j.testing.Golden;

/** {@code neox4j pull} end to end against a fake hub on loopback. */
@Timeout(60)
class PullCommandTest {
    static final String REPO = "neox4j-test/tiny-sequential";

    @TempDir
    Path cache;

    FakeHub server;
    FakeRepo repo;

    @BeforeEach
    void startHub() {
        server = FakeHub.start();
        repo = server.addModel(REPO, Golden.model("tiny-sequential"), "config.json", "generation_config.json", "model.safetensors");
    }

    @AfterEach
    void stopHub() {
        server.close();
    }

    CliRun pull(String... extra) {
        String[] args = new String[extra.length + 5];
        args[0] = "pull";
        args[1] = "--endpoint";
        args[2] = server.endpoint();
        args[3] = "--cache-dir";
        args[4] = cache.toString();
        System.arraycopy(extra, 0, args, 5, extra.length);
        return CliRun.run(args);
    }

    Path snapshot() {
        return cache.resolve("models--neox4j-test--tiny-sequential/snapshots").resolve(repo.commit());
    }

    @Test
    void printsTheSnapshotPathAndReportsProgressOnStderr() {
        CliRun r = pull(REPO);

        assertEquals(0, r.exitCode(), r.err());
        assertEquals(snapshot().toString(), r.out().strip());
        assertTrue(Files.isSymbolicLink(snapshot().resolve("model.safetensors")));
        assertTrue(r.err().contains("Pulled " + REPO + "@main (commit " + repo.commit().substring(0, 10) + "): 3 files downloaded"), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith(REPO + "  1.66 MiB in ")), "progress summary line: " + r.err());
        if (!ProgressBar.stderrIsTerminal()) {
            assertFalse(r.err().contains("\r"), "stderr is not a terminal: plain lines only");
        }

        CliRun again = pull(REPO);

        assertEquals(0, again.exitCode(), again.err());
        assertEquals(snapshot().toString(), again.out().strip());
        assertTrue(again.err().contains("is up to date in the cache: 3 files"), again.err());
    }

    @Test
    void jsonSummaryAndInclude() throws Exception {
        CliRun r = pull(REPO, "--include", "config.json", "--include", "generation_*.json", "--json");

        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(REPO, json.get("repo").asText());
        assertEquals("main", json.get("revision").asText());
        assertEquals(repo.commit(), json.get("commit").asText());
        assertEquals(snapshot().toString(), json.get("snapshot").asText());
        assertEquals("[\"config.json\",\"generation_config.json\"]", json.get("files").toString());
        assertEquals(2, json.get("downloaded_files").asInt());
        assertFalse(Files.exists(snapshot().resolve("model.safetensors")));
        assertEquals(0, server.bytesServed("model.safetensors"));
    }

    @Test
    void revisionAsOptionOrAfterAt() {
        assertEquals(0, pull(REPO + "@" + repo.commit()).exitCode());
        assertEquals(0, pull(REPO, "--revision", "main").exitCode());

        CliRun both = pull(REPO + "@main", "--revision", "main");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("not both"), both.err());
    }

    @Test
    void unknownRepoFailsWithItsName() {
        CliRun r = pull("neox4j-test/missing");

        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("pull: error: repository neox4j-test/missing not found on " + server.endpoint()), r.err());
        assertEquals("", r.out());
    }

    @Test
    void invalidRepoIdIsAUsageError() {
        CliRun r = pull("pythia-160m");

        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("expected ORG/NAME"), r.err());
    }

    @Test
    void offlineUsesTheCacheOrExplains() {
        CliRun missing = pull(REPO, "--offline");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("offline mode is on") && missing.err().contains("neox4j pull " + REPO), missing.err());

        assertEquals(0, pull(REPO).exitCode());
        server.clearLog();
        CliRun offline = pull(REPO, "--offline");

        assertEquals(0, offline.exitCode(), offline.err());
        assertEquals(snapshot().toString(), offline.out().strip());
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void gatedRepoWithoutTokenFailsWithAdvice() {
        repo.gated();
        CliRun r = CliRun.run("pull", "--endpoint", server.endpoint(), "--cache-dir", cache.toString(), REPO);

        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains(REPO + " is a gated model: accept its license at " + server.endpoint() + "/" + REPO), r.err());
        assertTrue(r.err().contains("HF_TOKEN"), r.err());
    }
}
