package org.neox4j.hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.neox4j.ProgressListener;
import org.neox4j.hub.HubException.Reason;

/**
 * Brings the files of one commit into the cache: files whose blob is already there are only linked
 * into the snapshot; the others are downloaded several at a time ({@link BlobDownload}) and linked once
 * verified. The first failure cancels the downloads still running (their partial files are kept for
 * the next pull) and is rethrown.
 */
public final class Downloader {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HubClient client;
    private final HubCache cache;
    private final HubSettings settings;

    public Downloader(HubClient client, HubCache cache, HubSettings settings) {
        this.client = client;
        this.cache = cache;
        this.settings = settings;
    }

    /** What a download did: files fetched over the network, files already in the cache, bytes received. */
    public record Outcome(List<FileEntry> downloaded, List<FileEntry> reused, long bytes) {
    }

    /** Makes {@code snapshots/COMMIT/} hold every file of {@code files}, reporting bytes to {@code progress}. */
    public Outcome download(RepoId repo, String commit, List<FileEntry> files, ProgressListener progress) {
        List<FileEntry> reused = new ArrayList<>();
        List<FileEntry> pending = new ArrayList<>();
        for (FileEntry file : files) {
            if (cache.isLinked(repo, commit, file)) {
                reused.add(file);
            } else if (Files.isRegularFile(cache.blob(repo, file.etag()))) {
                link(repo, commit, file);
                reused.add(file);
            } else {
                pending.add(file);
            }
        }
        if (pending.isEmpty()) {
            return new Outcome(List.of(), reused, 0);
        }
        long total = pending.stream().mapToLong(f -> f.size() - partialLength(repo, f)).sum();
        progress.start(repo.toString(), total);
        try {
            return new Outcome(pending, reused, fetchAll(repo, commit, pending, progress));
        } finally {
            progress.finish();
        }
    }

    private long fetchAll(RepoId repo, String commit, List<FileEntry> pending, ProgressListener progress) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.parallelDownloads(), pending.size()), daemonThreads());
        CompletionService<Long> downloads = new ExecutorCompletionService<>(pool);
        for (FileEntry file : pending) {
            downloads.submit(() -> fetchAndLink(repo, commit, file, progress));
        }
        long bytes = 0;
        try {
            for (int i = 0; i < pending.size(); i++) {
                bytes += downloads.take().get();
            }
            return bytes;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(Reason.NETWORK, "download of " + repo + " interrupted", e);
        } finally {
            pool.shutdownNow();
            awaitQuietly(pool);
        }
    }

    @SuppressWarnings("try") // the lock is held for the duration of the block
    private long fetchAndLink(RepoId repo, String commit, FileEntry file, ProgressListener progress) {
        Path lockFile = cache.lockFile(repo, file.etag());
        try (BlobLock lock = BlobLock.acquire(lockFile)) {
            long bytes = 0;
            if (!Files.isRegularFile(cache.blob(repo, file.etag()))) { // another download may have finished it meanwhile
                bytes = new BlobDownload(client, cache, repo, commit, file, progress, settings.retries()).run();
            }
            link(repo, commit, file);
            return bytes;
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new HubException(Reason.NETWORK, "download of " + file.path() + " of " + repo + " interrupted", e);
        } catch (IOException e) {
            throw new HubException(Reason.CACHE, "cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private void link(RepoId repo, String commit, FileEntry file) {
        try {
            cache.link(repo, commit, file);
        } catch (IOException e) {
            throw new HubException(Reason.CACHE, "cannot link " + file.path() + " into " + cache.snapshotDir(repo, commit)
                    + ": " + e.getMessage(), e);
        }
    }

    private long partialLength(RepoId repo, FileEntry file) {
        try {
            Path part = cache.incompleteBlob(repo, file.etag());
            long length = Files.exists(part) ? Files.size(part) : 0;
            return length <= file.size() ? length : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static ThreadFactory daemonThreads() {
        return task -> {
            Thread thread = new Thread(task, "neox4j-download-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(settings.readTimeout().toSeconds() + 5, TimeUnit.SECONDS)) {
                System.getLogger(Downloader.class.getName()).log(System.Logger.Level.WARNING, "download threads still running");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
