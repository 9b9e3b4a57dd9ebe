package org.neox4j.hub;

import java.util.regex.Pattern;

/**
 * One file of a repository at a commit, as the hub lists it: its path, size and hash. Files kept in
 * git carry their git blob id (sha1); large files kept in LFS also carry the sha256 of their content.
 * The cache names a blob after its etag, which is the sha256 for LFS files and the git blob id
 * otherwise, so that the cache is shared with huggingface_hub.
 */
public record FileEntry(String path, long size, String blobId, String lfsSha256) {
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public FileEntry {
        if (!isSafePath(path)) {
            throw new IllegalArgumentException("unsafe file name '" + path + "': expected a relative path without"
                    + " '..', '.' or empty segments");
        }
        if (size < 0) {
            throw new IllegalArgumentException("file '" + path + "' has no size (" + size + ")");
        }
        if (blobId != null && !SHA1.matcher(blobId).matches()) {
            throw new IllegalArgumentException("file '" + path + "' has a malformed git blob id '" + blobId + "'");
        }
        if (lfsSha256 != null && !SHA256.matcher(lfsSha256).matches()) {
            throw new IllegalArgumentException("file '" + path + "' has a malformed sha256 '" + lfsSha256 + "'");
        }
        if (blobId == null && lfsSha256 == null) {
            throw new IllegalArgumentException("file '" + path + "' is listed without a hash (blobId or lfs.sha256),"
                    + " so its download could not be verified");
        }
    }

    /** Whether the content is stored in LFS (and verified by sha256). */
    public boolean isLfs() {
        return lfsSha256 != null;
    }

    /** The blob's name in the cache: the LFS sha256, else the git blob id. */
    public String etag() {
        return isLfs() ? lfsSha256 : blobId;
    }

    /** The file's name without directories. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static boolean isSafePath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
