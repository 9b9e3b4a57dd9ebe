package org.neox4j.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The hub cache on disk, laid out exactly as huggingface_hub lays it out so that both share files:
 * <pre>
 * CACHE/models--ORG--NAME/
 *     blobs/ETAG                  file contents, named by sha256 (LFS) or git blob id
 *     blobs/ETAG.incomplete       a download in progress, resumed from its length
 *     refs/REVISION               the commit a branch or tag pointed to at the last pull (no newline)
 *     snapshots/COMMIT/FILE       relative symlink to ../../blobs/ETAG
 * CACHE/.locks/models--ORG--NAME/ETAG.lock
 * </pre>
 * A blob only appears under its final name once complete and verified, and snapshot entries only
 * point at complete blobs.
 */
public final class HubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;

    public HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path repoDir(RepoId repo) {
        return root.resolve(repo.folderName());
    }

    public Path blob(RepoId repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag);
    }

    /** Where a blob is written while it downloads; same name as huggingface_hub, so either tool resumes it. */
    public Path incompleteBlob(RepoId repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag + ".incomplete");
    }

    public Path lockFile(RepoId repo, String etag) {
        return root.resolve(".locks").resolve(repo.folderName()).resolve(etag + ".lock");
    }

    public Path snapshotDir(RepoId repo, String commit) {
        if (!isCommitHash(commit)) {
            throw new IllegalArgumentException("not a commit hash: '" + commit + "'");
        }
        return repoDir(repo).resolve("snapshots").resolve(commit);
    }

    /** The snapshot entry of {@code file} ({@code a/b.json} maps to nested directories). */
    public Path pointer(RepoId repo, String commit, String file) {
        if (!FileEntry.isSafePath(file)) {
            throw new IllegalArgumentException("unsafe file name '" + file + "' in " + repo);
        }
        return snapshotDir(repo, commit).resolve(file);
    }

    /** The commit that {@code revision} (a branch, tag or commit hash) resolves to in the cache, if known. */
    public Optional<String> commitOf(RepoId repo, String revision) {
        if (isCommitHash(revision)) {
            return Optional.of(revision);
        }
        Path ref = refFile(repo, revision);
        try {
            if (!Files.isRegularFile(ref)) {
                return Optional.empty();
            }
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return isCommitHash(commit) ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            throw new HubException(HubException.Reason.CACHE, "cannot read " + ref + ": " + e.getMessage(), e);
        }
    }

    /** The snapshot directory of {@code revision}, if the cache knows the revision and holds that snapshot. */
    public Optional<Path> snapshot(RepoId repo, String revision) {
        return commitOf(repo, revision).map(c -> snapshotDir(repo, c)).filter(Files::isDirectory);
    }

    /** Records that {@code revision} points at {@code commit} (nothing to do when the revision is a commit). */
    public void writeRef(RepoId repo, String revision, String commit) throws IOException {
        if (revision.equals(commit) || commitOf(repo, revision).filter(commit::equals).isPresent()) {
            return;
        }
        Path ref = refFile(repo, revision);
        Files.createDirectories(ref.getParent());
        Path tmp = temporarySibling(ref);
        Files.writeString(tmp, commit, StandardCharsets.UTF_8); // no newline: huggingface_hub reads it verbatim
        moveAtomically(tmp, ref);
    }

    /** Whether the snapshot entry for {@code file} exists and leads to its complete blob. */
    public boolean isLinked(RepoId repo, String commit, FileEntry file) {
        Path pointer = pointer(repo, commit, file.path());
        Path blob = blob(repo, file.etag());
        try {
            if (Files.isSymbolicLink(pointer)) {
                return Files.exists(pointer) && Files.exists(blob) && Files.isSameFile(pointer, blob);
            }
            // Where symlinks are unsupported huggingface_hub stores the file itself in the snapshot.
            return Files.isRegularFile(pointer) && Files.size(pointer) == file.size();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes the snapshot entry for {@code file} a relative symlink to its blob (a copy where the file
     * system has no symlinks), replacing whatever was there atomically.
     */
    public void link(RepoId repo, String commit, FileEntry file) throws IOException {
        Path blob = blob(repo, file.etag());
        if (!Files.isRegularFile(blob)) {
            throw new IllegalStateException("blob of " + file.path() + " is missing: " + blob);
        }
        Path pointer = pointer(repo, commit, file.path());
        Files.createDirectories(pointer.getParent());
        Path tmp = temporarySibling(pointer);
        try {
            Files.createSymbolicLink(tmp, pointer.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, tmp);
        }
        moveAtomically(tmp, pointer);
    }

    public static boolean isCommitHash(String revision) {
        return revision != null && COMMIT.matcher(revision).matches();
    }

    /** Checks that a revision is usable as a ref file name below {@code refs/} (e.g. {@code main}, {@code refs/pr/1}). */
    public static void checkRevision(String revision) {
        if (revision == null || revision.isBlank() || revision.length() > 255 || !FileEntry.isSafePath(revision)
                || revision.chars().anyMatch(c -> c < 0x20 || c == 0x7f || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("invalid revision '" + revision + "': expected a branch, tag or commit"
                    + " hash such as main, step143000 or refs/pr/1");
        }
    }

    private Path refFile(RepoId repo, String revision) {
        checkRevision(revision);
        return repoDir(repo).resolve("refs").resolve(revision);
    }

    static Path temporarySibling(Path path) {
        return path.resolveSibling("." + path.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /** Renames a temporary file over {@code to} in one step; the temporary file is removed if that fails. */
    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            Files.deleteIfExists(from);
            throw e;
        }
    }
}
