package org.neox4j.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a pull: the snapshot directory that now holds the files (give it to the model
 * loader), the commit it belongs to, and what had to be downloaded.
 *
 * @param files            the snapshot's files pulled (paths relative to {@code snapshot})
 * @param downloadedFiles  files fetched over the network
 * @param downloadedBytes  bytes received over the network (less than the files' size when resumed)
 * @param reusedFiles      files already in the cache (from an earlier pull or from Python tools)
 * @param fromCacheOnly    true when offline: the cached snapshot was used without asking the hub
 */
public record PullResult(
        RepoId repo,
        String revision,
        String commit,
        Path snapshot,
        List<String> files,
        int downloadedFiles,
        long downloadedBytes,
        int reusedFiles,
        boolean fromCacheOnly) {
    public PullResult {
        files = List.copyOf(files);
    }
}
