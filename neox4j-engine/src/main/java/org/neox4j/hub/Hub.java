package org.neox4j.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.neox4j.ProgressListener;
import org.neox4j.hub.HubException.Reason;

/**
 * Pulls models from the Hugging Face hub into its standard cache and finds them there. The cache is
 * the one huggingface_hub uses ({@link HubCache}), so files already fetched by Python tools are
 * reused and the other way round.
 */
public final class Hub implements AutoCloseable {
    private final HubSettings settings;
    private final HubCache cache;
    private HubClient client;

    public Hub(HubSettings settings) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
    }

    public HubSettings settings() {
        return settings;
    }

    public HubCache cache() {
        return cache;
    }

    /**
     * Fetches what {@code pull} asks for into the cache and returns the snapshot directory. Files already
     * cached are not downloaded again; an interrupted download resumes where it stopped. Offline, returns
     * the cached snapshot of the revision or fails saying how to get it.
     */
    public PullResult pull(Pull pull, ProgressListener progress) {
        if (settings.offline()) {
            return fromCache(pull);
        }
        RepoFiles listing = client().listFiles(pull.repo(), pull.revision());
        List<FileEntry> selected = listing.select(pull::wants);
        checkSelection(pull, listing, selected);
        Downloader.Outcome outcome = new Downloader(client(), cache, settings).download(pull.repo(), listing.commit(), selected, progress);
        try {
            cache.writeRef(pull.repo(), pull.revision(), listing.commit());
        } catch (IOException e) {
            throw new HubException(Reason.CACHE, "cannot record revision " + pull.revision() + " of " + pull.repo()
                    + " in " + cache.repoDir(pull.repo()) + ": " + e.getMessage(), e);
        }
        return new PullResult(pull.repo(), pull.revision(), listing.commit(), cache.snapshotDir(pull.repo(), listing.commit()),
                selected.stream().map(FileEntry::path).toList(), outcome.downloaded().size(), outcome.bytes(),
                outcome.reused().size(), false);
    }

    /** The cached snapshot of {@code revision} if it holds a complete model (config and all weights); no network. */
    public Optional<Path> cachedModel(RepoId repo, String revision) {
        return cache.snapshot(repo, revision).filter(ModelFiles::isComplete);
    }

    /** The error for a model that is needed but neither cached nor downloadable (offline). */
    public HubException notCachedOffline(RepoId repo, String revision) {
        String pullCommand = "neox4j pull " + repo + (revision.equals(Pull.DEFAULT_REVISION) ? "" : " --revision " + revision);
        return new HubException(Reason.OFFLINE, repo + " (revision " + revision + ") is not in the hub cache at "
                + cache.root() + " and offline mode is on (HF_HUB_OFFLINE or --offline). Get the weights with `"
                + pullCommand + "` while online, or point --model at a local model directory (--model /path/to/dir)");
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }

    private PullResult fromCache(Pull pull) {
        Optional<Path> snapshot = pull.usesDefaultIncludes()
                ? cachedModel(pull.repo(), pull.revision())
                : cache.snapshot(pull.repo(), pull.revision());
        if (snapshot.isEmpty()) {
            throw notCachedOffline(pull.repo(), pull.revision());
        }
        String commit = snapshot.get().getFileName().toString();
        List<String> files = listFiles(snapshot.get()).stream().filter(pull::wants).toList();
        return new PullResult(pull.repo(), pull.revision(), commit, snapshot.get(), files, 0, 0, files.size(), true);
    }

    private static void checkSelection(Pull pull, RepoFiles listing, List<FileEntry> selected) {
        String where = pull.repo() + " at revision " + pull.revision();
        String available = listing.files().stream().map(FileEntry::path).limit(30).collect(Collectors.joining(", "));
        if (selected.isEmpty()) {
            throw new HubException(Reason.NOT_FOUND, "no file of " + where + " matches " + pull.includes()
                    + "; its files are: " + available);
        }
        if (pull.usesDefaultIncludes() && selected.stream().noneMatch(f -> ModelFiles.isWeights(f.path()))) {
            throw new HubException(Reason.NOT_FOUND, where + " has no safetensors weights (neox4j does not load"
                    + " pytorch_model*.bin pickles); its files are: " + available + ". Try another revision (the hub's"
                    + " conversion bot often offers safetensors as refs/pr/N: --revision refs/pr/N)");
        }
    }

    private static List<String> listFiles(Path snapshot) {
        try (Stream<Path> walk = Files.walk(snapshot)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> snapshot.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new HubException(Reason.CACHE, "cannot list " + snapshot + ": " + e.getMessage(), e);
        }
    }

    private synchronized HubClient client() {
        if (client == null) {
            client = new HubClient(settings);
        }
        return client;
    }
}
