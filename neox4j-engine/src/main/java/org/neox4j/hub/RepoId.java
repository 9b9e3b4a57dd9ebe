package org.neox4j.hub;

import java.util.regex.Pattern;

/**
 * A model repository on the hub, {@code ORG/NAME} (e.g. {@code EleutherAI/pythia-160m}), validated
 * with the hub's own rules so that it is also safe as a directory name in the cache.
 */
public record RepoId(String owner, String name) {
    /** One part: word characters, '-' and '.', starting and ending with a word character. */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?");
    private static final int MAX_LENGTH = 96;

    public RepoId {
        String id = owner + "/" + name;
        if (!validPart(owner) || !validPart(name) || id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("invalid hub repository id '" + id + "': expected ORG/NAME made of letters,"
                    + " digits, '-', '_' and '.', e.g. EleutherAI/pythia-160m");
        }
    }

    /** Parses {@code ORG/NAME}; throws {@link IllegalArgumentException} with a readable message otherwise. */
    public static RepoId parse(String id) {
        if (id == null || id.chars().filter(c -> c == '/').count() != 1) {
            throw new IllegalArgumentException("invalid hub repository id '" + id + "': expected ORG/NAME,"
                    + " e.g. EleutherAI/pythia-160m");
        }
        int slash = id.indexOf('/');
        return new RepoId(id.substring(0, slash), id.substring(slash + 1));
    }

    /** Whether {@code id} is a well-formed {@code ORG/NAME}. */
    public static boolean isValid(String id) {
        try {
            parse(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The repository's folder in the cache, as huggingface_hub names it: {@code models--ORG--NAME}. */
    public String folderName() {
        return "models--" + owner + "--" + name;
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }

    private static boolean validPart(String part) {
        return part != null && PART.matcher(part).matches() && !part.contains("--") && !part.contains("..");
    }
}
