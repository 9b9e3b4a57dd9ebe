package org.neox4j.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.ProgressListener;
import org.neox4j.testing.FakeHub;
import org.neox4j.testing.FakeRepo;
import org.neox4j.testing.Golden;

/** Pulls from a fake hub on loopback serving the golden tiny-sequential model. */
@Timeout(60)
class PullTest {
    static final String REPO = "neox4j-test/tiny-sequential";
    static final String WEIGHTS = "model.safetensors";

    @TempDir
    Path home;

    FakeHub server;
    FakeRepo repo;
    Path golden;

    @BeforeEach
    void startHub() {
        golden = Golden.model("tiny-sequential");
        server = FakeHub.start();
        repo = server.addModel(REPO, golden, "config.json", "generation_config.json", WEIGHTS)
                .file("pytorch_model.bin", new byte[2048])
                .file("README.md", "# tiny\n".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stopHub() {
        server.close();
    }

    HubSettings settings(Map<String, String> env) {
        return HubSettings.fromEnvironment(env, home)
                .withEndpoint(server.endpoint())
                .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(20)) // generous: a loaded 2-core machine can stall a loopback read for seconds
                .withRetries(0);
    }

    HubSettings settings() {
        return settings(Map.of());
    }

    PullResult pull(HubSettings settings, Pull pull) {
        try (Hub hub = new Hub(settings)) {
            return hub.pull(pull, ProgressListener.NONE);
        }
    }

    Path repoDir() {
        return home.resolve(".cache/huggingface/hub/models--neox4j-test--tiny-sequential");
    }

    @Test
    void normalPullFillsTheCacheLikeHuggingfaceHub() throws IOException {
        PullResult result = pull(settings(), Pull.of(REPO));

        Path snapshot = repoDir().resolve("snapshots").resolve(repo.commit());
        assertEquals(snapshot, result.snapshot());
        assertEquals(repo.commit(), Files.readString(repoDir().resolve("refs/main")), "refs/main holds the commit, no newline");
        for (String file : List.of("config.json", "generation_config.json", WEIGHTS)) {
            Path pointer = snapshot.resolve(file);
            assertTrue(Files.isSymbolicLink(pointer), file + " is a symlink");
            assertEquals(Path.of("../../blobs/" + repo.etag(file)), Files.readSymbolicLink(pointer));
            assertArrayEquals(Files.readAllBytes(golden.resolve(file)), Files.readAllBytes(pointer), file);
        }
        assertEquals(List.of("config.json", "generation_config.json", WEIGHTS), result.files());
        assertFalse(Files.exists(snapshot.resolve("pytorch_model.bin")), "pickles are never pulled");
        assertFalse(Files.exists(snapshot.resolve("README.md")), "only the default includes are pulled");
        assertEquals(3, result.downloadedFiles());
        assertEquals(Files.size(golden.resolve(WEIGHTS)) + Files.size(golden.resolve("config.json"))
                + Files.size(golden.resolve("generation_config.json")), result.downloadedBytes());
        try (var blobs = Files.list(repoDir().resolve("blobs"))) {
            assertTrue(blobs.noneMatch(p -> p.toString().endsWith(".incomplete")));
        }
    }

    @Test
    void tokenGoesToTheHubButNotToTheCdn() {
        pull(settings(Map.of("HF_TOKEN", "hf_someToken")), Pull.of(REPO));

        List<FakeHub.Request> cdn = server.requests().stream().filter(r -> r.server().equals("cdn")).toList();
        assertFalse(cdn.isEmpty(), "the weights come from the CDN after a redirect");
        assertTrue(cdn.stream().noneMatch(FakeHub.Request::authorized), "no Authorization header to the CDN");
        assertTrue(server.requests().stream().filter(r -> r.server().equals("hub")).allMatch(FakeHub.Request::authorized));
    }

    @Test
    void secondPullDownloadsNothing() {
        pull(settings(), Pull.of(REPO));
        server.clearLog();

        PullResult again = pull(settings(), Pull.of(REPO));

        assertEquals(0, again.downloadedFiles());
        assertEquals(0, again.downloadedBytes());
        assertEquals(3, again.reusedFiles());
        assertFalse(server.anyContentRequested(), "only the file list was asked for: " + server.requests());
    }

    @Test
    void blobsAlreadyInTheCacheAreLinkedNotDownloaded() throws IOException {
        // As left by Python (or an earlier commit): the blob is there, the snapshot entry is not.
        Path blob = repoDir().resolve("blobs").resolve(repo.etag(WEIGHTS));
        Files.createDirectories(blob.getParent());
        Files.copy(golden.resolve(WEIGHTS), blob);

        PullResult result = pull(settings(), Pull.of(REPO));

        assertEquals(0, server.bytesServed(WEIGHTS));
        assertEquals(2, result.downloadedFiles());
        assertEquals(1, result.reusedFiles());
        assertTrue(Files.isSymbolicLink(result.snapshot().resolve(WEIGHTS)));
    }

    @Test
    void cutConnectionLeavesAPartialBlobThatTheNextPullResumes() throws IOException {
        long size = Files.size(golden.resolve(WEIGHTS));
        long cut = 600_000;
        repo.cutAfter(WEIGHTS, cut, 1);

        HubException error = assertThrows(HubException.class, () -> pull(settings(), Pull.of(REPO)));

        assertEquals(HubException.Reason.NETWORK, error.reason());
        assertTrue(error.getMessage().contains(WEIGHTS) && error.getMessage().contains(REPO), error.getMessage());
        Path part = repoDir().resolve("blobs").resolve(repo.etag(WEIGHTS) + ".incomplete");
        assertEquals(cut, Files.size(part), "the bytes received are kept");
        assertFalse(Files.exists(repoDir().resolve("blobs").resolve(repo.etag(WEIGHTS))), "no complete blob");
        assertFalse(Files.exists(repoDir().resolve("snapshots").resolve(repo.commit()).resolve(WEIGHTS)), "not linked");
        assertFalse(Files.exists(repoDir().resolve("refs/main")), "the revision is recorded only after a complete pull");
        server.clearLog();

        PullResult resumed = pull(settings(), Pull.of(REPO));

        List<FakeHub.Request> requests = server.contentRequests(WEIGHTS);
        assertEquals("bytes=" + cut + "-", requests.getLast().range(), "asked only for the rest: " + requests);
        assertEquals(206, requests.getLast().status());
        assertEquals(size - cut, server.bytesServed(WEIGHTS), "the first " + cut + " bytes are not sent again");
        long smallFiles = server.bytesServed("config.json") + server.bytesServed("generation_config.json");
        assertEquals(size - cut, resumed.downloadedBytes() - smallFiles, "downloadedBytes counts network bytes only");
        assertArrayEquals(Files.readAllBytes(golden.resolve(WEIGHTS)), Files.readAllBytes(resumed.snapshot().resolve(WEIGHTS)));
        assertFalse(Files.exists(part));
    }

    @Test
    void brokenConnectionIsResumedWithinOnePull() throws IOException {
        long size = Files.size(golden.resolve(WEIGHTS));
        repo.cutAfter(WEIGHTS, 300_000, 2);

        PullResult result = pull(settings().withRetries(2), Pull.of(REPO));

        List<FakeHub.Request> requests = server.contentRequests(WEIGHTS).stream().filter(r -> r.server().equals("cdn")).toList();
        assertEquals(3, requests.size(), requests.toString());
        assertEquals(List.of("null", "bytes=300000-", "bytes=300000-"), requests.stream().map(r -> String.valueOf(r.range())).toList());
        assertEquals(size, server.bytesServed(WEIGHTS), "every byte sent once");
        assertArrayEquals(Files.readAllBytes(golden.resolve(WEIGHTS)), Files.readAllBytes(result.snapshot().resolve(WEIGHTS)));
    }

    @Test
    void stalledConnectionTimesOutAndResumes() throws IOException {
        repo.stallAfter(WEIGHTS, 100_000, 10_000);
        HubSettings quick = settings().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)).withRetries(1);

        long start = System.nanoTime();
        PullResult result = pull(quick, Pull.of(REPO));

        assertTrue(System.nanoTime() - start < 8_000_000_000L, "gave up on the stalled connection after the read timeout");
        assertEquals("bytes=100000-", server.contentRequests(WEIGHTS).getLast().range());
        assertArrayEquals(Files.readAllBytes(golden.resolve(WEIGHTS)), Files.readAllBytes(result.snapshot().resolve(WEIGHTS)));
    }

    @Test
    void wrongChecksumIsRejectedAndNothingIsLeftAsComplete() throws IOException {
        repo.corrupt(WEIGHTS);

        HubException error = assertThrows(HubException.class, () -> pull(settings().withRetries(2), Pull.of(REPO)));

        assertEquals(HubException.Reason.INTEGRITY, error.reason());
        assertTrue(error.getMessage().contains("checksum mismatch for " + WEIGHTS + " of " + REPO), error.getMessage());
        assertTrue(error.getMessage().contains(repo.etag(WEIGHTS)), "names the expected sha256: " + error.getMessage());
        Path blobs = repoDir().resolve("blobs");
        assertFalse(Files.exists(blobs.resolve(repo.etag(WEIGHTS))));
        assertFalse(Files.exists(blobs.resolve(repo.etag(WEIGHTS) + ".incomplete")), "the corrupt bytes are deleted");
        assertFalse(Files.exists(repoDir().resolve("snapshots").resolve(repo.commit()).resolve(WEIGHTS)));
        assertFalse(Files.exists(repoDir().resolve("refs/main")));
    }

    @Test
    void gatedRepoNeedsAToken() {
        repo.gated();

        HubException denied = assertThrows(HubException.class, () -> pull(settings(), Pull.of(REPO)));

        assertEquals(HubException.Reason.UNAUTHORIZED, denied.reason());
        assertTrue(denied.getMessage().contains(REPO + " is a gated model"), denied.getMessage());
        assertTrue(denied.getMessage().contains("HF_TOKEN") && denied.getMessage().contains("license"), denied.getMessage());
        assertTrue(server.requests().stream().anyMatch(r -> r.status() == 401));

        PullResult result = pull(settings(Map.of("HF_TOKEN", FakeHub.TOKEN)), Pull.of(REPO));

        assertTrue(Files.isRegularFile(result.snapshot().resolve(WEIGHTS)));
    }

    @Test
    void gatedRepoWithARefusedTokenSaysSo() {
        repo.gated();

        HubException denied = assertThrows(HubException.class,
                () -> pull(settings(Map.of("HF_TOKEN", "hf_notGranted")), Pull.of(REPO)));

        assertEquals(HubException.Reason.UNAUTHORIZED, denied.reason());
        assertTrue(denied.getMessage().contains("was refused"), denied.getMessage());
        assertTrue(server.requests().stream().anyMatch(r -> r.status() == 403));
    }

    @Test
    void aRefusedDownloadStopsTheParallelOnesWithoutHanging() {
        // Each refusal interrupts the downloads still waiting for an answer; an answer that arrived at
        // that moment kept its exchange open, and closing the HTTP client then waited forever (seen
        // in CI: gatedRepoNeedsAToken hung for its 60 s). Many rounds make that moment likely.
        repo.gated();
        for (int i = 0; i < 12; i++) {
            repo.file("shard-" + i + ".bin", new byte[1024]);
        }
        HubSettings parallel = settings().withParallelDownloads(8);
        Pull shards = Pull.of(REPO).withIncludes(List.of("*.bin"));
        for (int round = 0; round < 40; round++) {
            HubException denied = assertThrows(HubException.class, () -> pull(parallel, shards));
            assertEquals(HubException.Reason.UNAUTHORIZED, denied.reason(), "round " + round);
        }
    }

    @Test
    void unknownRepoIsNotFound() {
        HubException error = assertThrows(HubException.class, () -> pull(settings(), Pull.of("neox4j-test/no-such-model")));

        assertEquals(HubException.Reason.NOT_FOUND, error.reason());
        assertTrue(error.getMessage().contains("repository neox4j-test/no-such-model not found on " + server.endpoint()), error.getMessage());
        assertFalse(Files.exists(home.resolve(".cache/huggingface/hub/models--neox4j-test--no-such-model/snapshots")));
    }

    @Test
    void unknownRevisionIsNotFound() {
        HubException error = assertThrows(HubException.class, () -> pull(settings(), Pull.of(REPO).withRevision("step999")));

        assertEquals(HubException.Reason.NOT_FOUND, error.reason());
        assertTrue(error.getMessage().contains("revision 'step999' not found in " + REPO), error.getMessage());
    }

    @Test
    void pullByCommitHashWritesNoRef() {
        PullResult result = pull(settings(), Pull.of(REPO).withRevision(repo.commit()));

        assertEquals(repo.commit(), result.commit());
        assertFalse(Files.exists(repoDir().resolve("refs")));
    }

    @Test
    void includeSelectsFiles() throws IOException {
        PullResult result = pull(settings(), Pull.of(REPO).withIncludes(List.of("*.json", "README.*", "*.bin")));

        assertEquals(List.of("config.json", "generation_config.json", "README.md"), result.files());
        try (var files = Files.list(result.snapshot())) {
            assertEquals(3, files.count());
        }
        assertEquals(0, server.bytesServed(WEIGHTS));
        assertEquals(0, server.bytesServed("pytorch_model.bin"), "pickles stay excluded even when included");
    }

    @Test
    void includeMatchingNothingListsTheFiles() {
        HubException error = assertThrows(HubException.class, () -> pull(settings(), Pull.of(REPO).withIncludes(List.of("*.gguf"))));

        assertTrue(error.getMessage().contains("no file of " + REPO + " at revision main matches [*.gguf]"), error.getMessage());
        assertTrue(error.getMessage().contains("model.safetensors"), error.getMessage());
    }

    @Test
    void repoWithoutSafetensorsIsRefusedBeforeDownloading() {
        server.addRepo("neox4j-test/pickles-only").file("config.json", "{}".getBytes(StandardCharsets.UTF_8))
                .file("pytorch_model.bin", new byte[4096]);

        HubException error = assertThrows(HubException.class, () -> pull(settings(), Pull.of("neox4j-test/pickles-only")));

        assertTrue(error.getMessage().contains("has no safetensors weights"), error.getMessage());
        assertFalse(server.anyContentRequested());
    }

    @Test
    void progressCountsEveryByteReceived() throws IOException {
        AtomicLong total = new AtomicLong();
        AtomicLong advanced = new AtomicLong();
        ProgressListener progress = new ProgressListener() {
            @Override
            public void start(String task, long t) {
                total.set(t);
            }

            @Override
            public void advance(long delta) {
                advanced.addAndGet(delta);
            }

            @Override
            public void finish() {
            }
        };
        try (Hub hub = new Hub(settings())) {
            hub.pull(Pull.of(REPO), progress);
        }
        long expected = Files.size(golden.resolve(WEIGHTS)) + Files.size(golden.resolve("config.json"))
                + Files.size(golden.resolve("generation_config.json"));
        assertEquals(expected, total.get());
        assertEquals(expected, advanced.get());
    }

    @Test
    void unreachableHubFailsClearlyAndQuickly() {
        String deadEndpoint = server.endpoint();
        server.close();

        HubException error = assertThrows(HubException.class,
                () -> pull(settings().withEndpoint(deadEndpoint), Pull.of(REPO)));

        assertEquals(HubException.Reason.NETWORK, error.reason());
        assertTrue(error.getMessage().contains("cannot reach") && error.getMessage().contains("--offline"), error.getMessage());
    }

    @Test
    void offlinePullUsesTheCacheOrExplains() {
        HubException missing = assertThrows(HubException.class, () -> pull(settings().withOffline(true), Pull.of(REPO)));
        assertEquals(HubException.Reason.OFFLINE, missing.reason());
        assertTrue(missing.getMessage().contains("neox4j pull " + REPO), missing.getMessage());

        PullResult online = pull(settings(), Pull.of(REPO));
        server.clearLog();
        PullResult offline = pull(settings(Map.of("HF_HUB_OFFLINE", "1")), Pull.of(REPO));

        assertTrue(offline.fromCacheOnly());
        assertEquals(online.snapshot(), offline.snapshot());
        assertEquals(online.files(), offline.files());
        assertTrue(server.requests().isEmpty(), "offline asks nothing: " + server.requests());
    }
}
