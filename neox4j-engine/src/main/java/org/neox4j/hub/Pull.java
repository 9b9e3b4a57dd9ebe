package org.neox4j.hub;

import java.util.List;
import java.util.Objects;

/**
 * What to pull: a repository, a revision (branch, tag or commit; default {@code main}) and the
 * file patterns to fetch ({@link #DEFAULT_INCLUDES} unless given; patterns as in
 * {@code huggingface-cli download --include}). {@link #EXCLUDES} are never fetched.
 */
public record Pull(RepoId repo, String revision, List<String> includes) {
    public static final String DEFAULT_REVISION = "main";

    /** What a pull fetches by default: configuration, tokenizer and safetensors weights (single or sharded). */
    public static final List<String> DEFAULT_INCLUDES = List.of(
            "config.json",
            "generation_config.json",
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "*.safetensors",
            "model.safetensors.index.json");

    /** Never fetched, whatever the includes say: pickled PyTorch weights, which neox4j does not load. */
    public static final List<String> EXCLUDES = List.of("pytorch_model*.bin");

    public Pull {
        Objects.requireNonNull(repo, "repo");
        revision = revision == null || revision.isBlank() ? DEFAULT_REVISION : revision.strip();
        HubCache.checkRevision(revision);
        includes = includes == null || includes.isEmpty() ? DEFAULT_INCLUDES : List.copyOf(includes);
        for (String glob : includes) {
            if (glob.isBlank()) {
                throw new IllegalArgumentException("empty --include pattern for " + repo);
            }
        }
    }

    /** The default files of {@code repoId} ({@code ORG/NAME}) at {@code main}. */
    public static Pull of(String repoId) {
        return new Pull(RepoId.parse(repoId), DEFAULT_REVISION, null);
    }

    public Pull withRevision(String newRevision) {
        return new Pull(repo, newRevision, includes);
    }

    public Pull withIncludes(List<String> newIncludes) {
        return new Pull(repo, revision, newIncludes);
    }

    public boolean usesDefaultIncludes() {
        return includes.equals(DEFAULT_INCLUDES);
    }

    /** Whether the file at {@code path} in the repository is to be fetched. */
    public boolean wants(String path) {
        return includes.stream().anyMatch(glob -> Glob.matches(glob, path))
                && EXCLUDES.stream().noneMatch(glob -> Glob.matches(glob, path));
    }
}
