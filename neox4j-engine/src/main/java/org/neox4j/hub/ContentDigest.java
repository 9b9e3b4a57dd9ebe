package org.neox4j.hub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash the hub publishes for a file, computed over downloaded bytes: sha256 of the content for
 * LFS files, the git blob id (sha1 of {@code "blob <size>\0"} followed by the content) otherwise.
 */
final class ContentDigest {
    private final FileEntry file;
    private final MessageDigest digest;

    private ContentDigest(FileEntry file, MessageDigest digest) {
        this.file = file;
        this.digest = digest;
    }

    static ContentDigest of(FileEntry file) {
        try {
            if (file.isLfs()) {
                return new ContentDigest(file, MessageDigest.getInstance("SHA-256"));
            }
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + file.size() + "\0").getBytes(StandardCharsets.US_ASCII));
            return new ContentDigest(file, sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks a standard digest", e);
        }
    }

    /** A new computation for the same file, from its first byte. */
    ContentDigest fresh() {
        return of(file);
    }

    /** Adds the remaining bytes of {@code buffer} without moving its position. */
    void update(ByteBuffer buffer) {
        digest.update(buffer.duplicate());
    }

    /** The hash of everything added so far; ends the computation. */
    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    String expected() {
        return file.etag();
    }

    /** "sha256" or "git blob id", for messages. */
    String kind() {
        return file.isLfs() ? "sha256" : "git blob id";
    }
}
