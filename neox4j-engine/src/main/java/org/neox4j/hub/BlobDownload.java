package org.neox4j.hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neox4j.ProgressListener;
import org.neox4j.hub.HubException.Reason;

/**
 * Downloads one blob into the cache: bytes go to {@code blobs/ETAG.incomplete}, continuing from its
 * length with an HTTP {@code Range} request when it exists; the result is checked against the hub's
 * size and hash, and only then renamed to {@code blobs/ETAG}. A mismatch deletes the partial file.
 * A broken or stalled connection is resumed a few times before the download gives up, keeping what
 * it has for the next pull. The caller holds the blob's {@link BlobLock}.
 */
final class BlobDownload {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int HASH_CHUNK = 1 << 20;

    private final HubClient client;
    private final RepoId repo;
    private final String commit;
    private final FileEntry file;
    private final Path blob;
    private final Path part;
    private final ProgressListener progress;
    private final int retries;
    private long received;

    BlobDownload(HubClient client, HubCache cache, RepoId repo, String commit, FileEntry file, ProgressListener progress, int retries) {
        this.client = client;
        this.repo = repo;
        this.commit = commit;
        this.file = file;
        this.blob = cache.blob(repo, file.etag());
        this.part = cache.incompleteBlob(repo, file.etag());
        this.progress = progress;
        this.retries = retries;
    }

    /** Downloads, verifies and commits the blob; returns the number of bytes received over the network. */
    long run() {
        for (int attempt = 0; ; attempt++) {
            try {
                ContentDigest digest = fetchRest();
                commit(digest);
                return received;
            } catch (HubException e) {
                if (e.reason() == Reason.INTEGRITY) {
                    discardPart();
                }
                if (!e.retryable() || attempt >= retries || Thread.currentThread().isInterrupted()) {
                    throw e.retryable() ? keptForResume(e) : e;
                }
                pause(attempt);
            }
        }
    }

    /** Brings the partial file to full length; returns the digest of its whole content. */
    private ContentDigest fetchRest() {
        try {
            Files.createDirectories(part.getParent());
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (have > file.size()) {
                Files.delete(part); // longer than the file can be: not ours to resume
                have = 0;
            }
            ContentDigest digest = ContentDigest.of(file);
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                hashPrefix(out, have, digest);
                if (have < file.size()) {
                    digest = download(out, have, digest);
                }
                out.force(true);
            }
            return digest;
        } catch (IOException e) {
            if (e instanceof InterruptedIOException) {
                Thread.currentThread().interrupt();
            }
            throw new HubException(Reason.CACHE, "cannot write " + part + " (" + file.path() + " of " + repo + "): " + e.getMessage(), e);
        }
    }

    /** Appends the rest of the file from the hub; returns the digest (a fresh one if the server restarted at 0). */
    private ContentDigest download(FileChannel out, long have, ContentDigest digest) throws IOException {
        try (HubClient.Response response = client.openFile(repo, commit, file.path(), have)) {
            long start = startOf(response, have);
            if (start == 0 && have > 0) {
                digest = restart(out, digest); // the server sent the whole file instead of the range
            }
            out.position(start);
            long expected = file.size() - start;
            long got = 0;
            for (List<ByteBuffer> chunk = read(response, start + got); chunk != null; chunk = read(response, start + got)) {
                for (ByteBuffer buffer : chunk) {
                    int n = buffer.remaining();
                    if (got + n > expected) {
                        throw new HubException(Reason.INTEGRITY, "the server sent more than the " + file.size()
                                + " bytes the hub lists for " + file.path() + " of " + repo + "; the download was discarded");
                    }
                    digest.update(buffer);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    got += n;
                    received += n;
                    progress.advance(n);
                }
            }
            if (got < expected) {
                throw network("the connection closed after " + (start + got) + " of " + file.size() + " bytes", null);
            }
            return digest;
        }
    }

    /** Where the response's body starts in the file (0 for a whole-file answer), checked against the request. */
    private long startOf(HubClient.Response response, long requested) {
        if (response.status() != 206) {
            long length = response.headers().firstValueAsLong("Content-Length").orElse(file.size());
            if (length != file.size()) {
                throw new HubException(Reason.INTEGRITY, response.uri() + " sends " + length + " bytes but the hub lists "
                        + file.size() + " for " + file.path() + " of " + repo);
            }
            return 0;
        }
        String range = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(range);
        if (!m.matches() || Long.parseLong(m.group(1)) != requested
                || (!m.group(3).equals("*") && Long.parseLong(m.group(3)) != file.size())) {
            throw new HubException(Reason.PROTOCOL, response.uri() + " answered the range request for bytes " + requested
                    + "- of " + file.path() + " with Content-Range '" + range + "' (file size " + file.size() + ")");
        }
        return requested;
    }

    private static ContentDigest restart(FileChannel out, ContentDigest old) throws IOException {
        out.truncate(0);
        return old.fresh();
    }

    private List<ByteBuffer> read(HubClient.Response response, long position) {
        try {
            return response.body().next();
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw network("interrupted", e);
        } catch (IOException e) {
            throw network(e.getMessage() + " (at byte " + position + " of " + file.size() + ")", e);
        }
    }

    /** Feeds the first {@code length} bytes already on disk to the digest. */
    private static void hashPrefix(FileChannel in, long length, ContentDigest digest) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(HASH_CHUNK);
        long position = 0;
        while (position < length) {
            buffer.clear().limit((int) Math.min(HASH_CHUNK, length - position));
            int n = in.read(buffer, position);
            if (n < 0) {
                throw new IOException("file shrank while reading it");
            }
            buffer.flip();
            digest.update(buffer);
            position += n;
        }
    }

    /** Verifies the complete partial file and renames it to its final name; a mismatch deletes it. */
    private void commit(ContentDigest digest) {
        try {
            long size = Files.size(part);
            String actual = digest.hex();
            if (size != file.size() || !actual.equals(digest.expected())) {
                Files.deleteIfExists(part);
                throw new HubException(Reason.INTEGRITY, "checksum mismatch for " + file.path() + " of " + repo
                        + " (commit " + commit + "): expected " + digest.kind() + " " + digest.expected() + " and "
                        + file.size() + " bytes, got " + actual + " and " + size + " bytes; the download was discarded."
                        + " Pull again; if it keeps failing, the file on the hub or a proxy in between is corrupt");
            }
            try {
                Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, blob, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new HubException(Reason.CACHE, "cannot store " + blob + " (" + file.path() + " of " + repo + "): " + e.getMessage(), e);
        }
    }

    private void discardPart() {
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // the mismatch is what the user needs to hear about; a leftover .incomplete is resumed and re-verified
        }
    }

    private HubException network(String what, IOException cause) {
        return new HubException(Reason.NETWORK, "download of " + file.path() + " of " + repo + " failed: " + what, cause);
    }

    private HubException keptForResume(HubException e) {
        long kept;
        try {
            kept = Files.exists(part) ? Files.size(part) : 0;
        } catch (IOException ignored) {
            kept = 0;
        }
        if (kept == 0) {
            return e;
        }
        return new HubException(e.reason(), e.getMessage() + "; " + kept + " bytes are kept in " + part
                + " and the next pull resumes from there", e);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(4000L, 250L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
