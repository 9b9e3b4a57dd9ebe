package org.neox4j.hub;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The files of a repository at one commit, as listed by the hub. */
public record RepoFiles(RepoId repo, String commit, List<FileEntry> files) {
    public RepoFiles {
        if (!HubCache.isCommitHash(commit)) {
            throw new IllegalArgumentException("commit of " + repo + " is not a 40-digit hash: '" + commit + "'");
        }
        files = List.copyOf(files);
    }

    /** The files whose path satisfies {@code filter}, in listing order. */
    public List<FileEntry> select(Predicate<String> filter) {
        return files.stream().filter(f -> filter.test(f.path())).toList();
    }

    public Optional<FileEntry> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }
}
