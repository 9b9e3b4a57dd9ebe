package org.neox4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the golden reference data made with the genuine Hugging Face implementations.
 *
 * <p>The full set lives in {@code ../shared/golden} beside the checkout (override with
 * {@code -Dneox4j.golden=DIR} or {@code NEOX4J_GOLDEN=DIR}). Without it, tests use the subset in
 * {@code testdata/golden} (tokenizer and {@code tiny-sequential}); tests that need anything else
 * are skipped with a message saying where the full set comes from.
 */
public final class Golden {
    private Golden() {
    }

    /** Repository root (the Maven multi-module directory), also when run from a module directory. */
    public static Path repoRoot() {
        String prop = System.getProperty("neox4j.repo");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("testdata/golden"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (testdata/golden) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** The full golden set, or null when it is not present. */
    public static Path fullSet() {
        for (String candidate : new String[] {System.getProperty("neox4j.golden"), System.getenv("NEOX4J_GOLDEN")}) {
            if (candidate != null && !candidate.isBlank() && Files.isDirectory(Path.of(candidate, "models"))) {
                return Path.of(candidate).toAbsolutePath().normalize();
            }
        }
        Path beside = repoRoot().resolve("../shared/golden").normalize();
        return Files.isDirectory(beside.resolve("models")) ? beside : null;
    }

    /** The subset carried in the repository. */
    public static Path subset() {
        return repoRoot().resolve("testdata/golden");
    }

    /**
     * A file or directory of the golden data, relative to its root (e.g. {@code models/tiny-pythia}):
     * from the full set when present, else from the carried subset, else the test is skipped.
     */
    public static Path path(String relative) {
        Path full = fullSet();
        if (full != null && Files.exists(full.resolve(relative))) {
            return full.resolve(relative);
        }
        Path carried = subset().resolve(relative);
        assumeTrue(Files.exists(carried), () -> "golden data '" + relative + "' is not in the repository's subset;"
                + " the full set is ../shared/golden beside the checkout (reference outputs of the Hugging Face"
                + " implementations); point -Dneox4j.golden or NEOX4J_GOLDEN at it to run this test");
        return carried;
    }

    /** Golden model directory by name: tiny-parallel, tiny-sequential, tiny-pythia. */
    public static Path model(String name) {
        return path("models/" + name);
    }

    /** The real GPT-NeoX-20B tokenizer file. */
    public static Path tokenizerJson() {
        return path("tokenizer/20B_tokenizer.json");
    }
}
