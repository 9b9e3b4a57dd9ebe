package org.neox4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache layout, as huggingface_hub writes and reads it. */
class HubCacheTest {
    static final RepoId REPO = RepoId.parse("EleutherAI/pythia-160m");
    static final String COMMIT = "50f5173d932e8e61f858120bcb800b97af589f46";
    static final String SHA1 = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path root;

    @Test
    void pathsFollowTheHuggingfaceLayout() {
        HubCache cache = new HubCache(root);

        assertEquals(root.resolve("models--EleutherAI--pythia-160m/blobs/" + SHA1), cache.blob(REPO, SHA1));
        assertEquals(root.resolve("models--EleutherAI--pythia-160m/blobs/" + SHA1 + ".incomplete"), cache.incompleteBlob(REPO, SHA1));
        assertEquals(root.resolve("models--EleutherAI--pythia-160m/snapshots/" + COMMIT + "/a/b.json"), cache.pointer(REPO, COMMIT, "a/b.json"));
        assertEquals(root.resolve(".locks/models--EleutherAI--pythia-160m/" + SHA1 + ".lock"), cache.lockFile(REPO, SHA1));
    }

    @Test
    void nestedFilesLinkWithTheRightNumberOfParents() throws IOException {
        HubCache cache = new HubCache(root);
        FileEntry file = new FileEntry("sub/dir/config.json", 2, SHA1, null);
        Files.createDirectories(cache.blob(REPO, SHA1).getParent());
        Files.writeString(cache.blob(REPO, SHA1), "{}");

        cache.link(REPO, COMMIT, file);

        Path pointer = cache.pointer(REPO, COMMIT, "sub/dir/config.json");
        assertEquals(Path.of("../../../../blobs/" + SHA1), Files.readSymbolicLink(pointer));
        assertEquals("{}", Files.readString(pointer));
        assertTrue(cache.isLinked(REPO, COMMIT, file));
        cache.link(REPO, COMMIT, file); // again: replaced in place, no error
        assertTrue(cache.isLinked(REPO, COMMIT, file));
    }

    @Test
    void danglingLinkIsNotLinked() throws IOException {
        HubCache cache = new HubCache(root);
        FileEntry file = new FileEntry("config.json", 2, SHA1, null);
        Files.createDirectories(cache.blob(REPO, SHA1).getParent());
        Files.writeString(cache.blob(REPO, SHA1), "{}");
        cache.link(REPO, COMMIT, file);

        Files.delete(cache.blob(REPO, SHA1));

        assertFalse(cache.isLinked(REPO, COMMIT, file));
    }

    @Test
    void refsAreWrittenWithoutNewlineAndReadBack() throws IOException {
        HubCache cache = new HubCache(root);

        cache.writeRef(REPO, "refs/pr/1", COMMIT);
        cache.writeRef(REPO, "main", COMMIT);

        assertEquals(COMMIT, Files.readString(root.resolve("models--EleutherAI--pythia-160m/refs/refs/pr/1")));
        assertEquals(Optional.of(COMMIT), cache.commitOf(REPO, "main"));
        assertEquals(Optional.of(SHA1), cache.commitOf(REPO, SHA1), "a commit hash is its own commit");
        assertEquals(Optional.empty(), cache.commitOf(REPO, "step1000"));
    }

    @Test
    void refWrittenByPythonWithTrailingNewlineIsStillRead() throws IOException {
        Path ref = root.resolve("models--EleutherAI--pythia-160m/refs/main");
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, COMMIT + "\n");

        assertEquals(Optional.of(COMMIT), new HubCache(root).commitOf(REPO, "main"));
    }

    @Test
    void revisionsThatEscapeTheRefsDirectoryAreRejected() {
        HubCache cache = new HubCache(root);

        for (String bad : new String[] {"../../x", "/etc/passwd", "a//b", "a b", ""}) {
            assertThrows(IllegalArgumentException.class, () -> cache.commitOf(REPO, bad), bad);
        }
    }
}
