package org.neox4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.testing.FakeHub;
import org.neox4j.testing.FakeRepo;
import org.neox4j.testing.Golden;

/** {@code --model} arguments: local paths, cached hub models, pulls on first use, offline. */
@Timeout(60)
class ModelResolverTest {
    static final String REPO = "neox4j-test/tiny-sequential";

    @TempDir
    Path home;

    FakeHub server;
    FakeRepo repo;
    final List<String> notices = new ArrayList<>();

    @BeforeEach
    void startHub() {
        server = FakeHub.start();
        repo = server.addModel(REPO, Golden.model("tiny-sequential"), "config.json", "generation_config.json", "model.safetensors");
    }

    @AfterEach
    void stopHub() {
        server.close();
    }

    ModelResolver resolver(boolean offline) {
        HubSettings settings = HubSettings.fromEnvironment(Map.of(), home)
                .withEndpoint(server.endpoint())
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
                .withOffline(offline);
        return new ModelResolver(settings, notices::add, ProgressListener.NONE);
    }

    @Test
    void existingLocalPathIsUsedAsIs() {
        Path dir = Golden.model("tiny-sequential");

        assertEquals(dir.toAbsolutePath().normalize(), resolver(false).resolve(dir.toString()));
        assertTrue(server.requests().isEmpty());
        assertTrue(notices.isEmpty());
    }

    @Test
    void missingHubModelIsPulledAfterSayingSo() {
        Path snapshot = resolver(false).resolve(REPO);

        assertEquals(1, notices.size());
        assertTrue(notices.getFirst().contains(REPO + " is not in the hub cache") && notices.getFirst().contains("downloading"),
                notices.getFirst());
        assertTrue(snapshot.endsWith("snapshots/" + repo.commit()), snapshot.toString());
        assertTrue(Files.isRegularFile(snapshot.resolve("model.safetensors")));
    }

    @Test
    void cachedHubModelIsUsedWithoutTheNetwork() {
        Path first = resolver(false).resolve(REPO);
        notices.clear();
        server.close(); // a cached model must not need the hub

        assertEquals(first, resolver(false).resolve(REPO));
        assertTrue(notices.isEmpty());
    }

    @Test
    void offlineUsesTheCachedSnapshotOfMain() {
        Path online = resolver(false).resolve(REPO);
        server.clearLog();

        assertEquals(online, resolver(true).resolve(REPO));
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void offlineWithoutCachedCopyExplainsHowToGetWeights() {
        HubException e = assertThrows(HubException.class, () -> resolver(true).resolve(ModelResolver.DEFAULT_MODEL));

        assertEquals(HubException.Reason.OFFLINE, e.reason());
        assertTrue(e.getMessage().contains("neox4j pull EleutherAI/pythia-160m"), e.getMessage());
        assertTrue(e.getMessage().contains("--model /path/to/dir"), e.getMessage());
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void incompleteSnapshotIsNotUsedOffline() throws IOException {
        Path snapshot = resolver(false).resolve(REPO);
        Files.delete(snapshot.resolve("model.safetensors"));

        assertThrows(HubException.class, () -> resolver(true).resolve(REPO));
        assertEquals(snapshot, resolver(false).resolve(REPO), "online, the missing file is pulled again");
        assertTrue(Files.isRegularFile(snapshot.resolve("model.safetensors")));
    }

    @Test
    void defaultModelWhenNoneIsGiven() {
        assertEquals("EleutherAI/pythia-160m", ModelResolver.DEFAULT_MODEL);
        HubException e = assertThrows(HubException.class, () -> resolver(true).resolve(null));
        assertTrue(e.getMessage().contains(ModelResolver.DEFAULT_MODEL), e.getMessage());
    }

    @Test
    void revisionAfterAt() {
        HubException e = assertThrows(HubException.class, () -> resolver(true).resolve("EleutherAI/pythia-160m@step1000"));

        assertTrue(e.getMessage().contains("neox4j pull EleutherAI/pythia-160m --revision step1000"), e.getMessage());
        assertEquals("step1000", ModelResolver.parseHubId("EleutherAI/pythia-160m@step1000").orElseThrow().revision());
    }

    @Test
    void unknownNameIsNeitherPathNorHubModel() {
        Neox4jException notAnId = assertThrows(Neox4jException.class, () -> resolver(false).resolve("./no/such/dir"));
        assertTrue(notAnId.getMessage().contains("no such file or directory"), notAnId.getMessage());
        assertFalse(server.anyContentRequested());

        HubException notOnHub = assertThrows(HubException.class, () -> resolver(false).resolve("models/tiny"));
        assertTrue(notOnHub.getMessage().contains("'models/tiny' is neither a local path nor a model on the hub"),
                notOnHub.getMessage());
    }
}
