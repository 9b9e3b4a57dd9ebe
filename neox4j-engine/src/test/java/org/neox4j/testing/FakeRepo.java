package org.neox4j.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A repository: files at one commit, reachable as revision {@code main} or by the commit hash. */
public final class FakeRepo {
    final String id;
    final String commit;
    private final Map<String, Blob> files = new LinkedHashMap<>(); // guarded by this; the server threads read it
    volatile boolean gated;

    FakeRepo(String id) {
        this.id = id;
        this.commit = FakeHub.hex("SHA-1", ("commit of " + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The files in listing order (a copy). */
    synchronized List<Blob> blobs() {
        return new ArrayList<>(files.values());
    }

    synchronized Blob blob(String name) {
        return files.get(name);
    }

    public String commit() {
        return commit;
    }

    /** Adds a file; *.safetensors, *.bin and files over 10 KiB are LFS files, as on the hub. */
    public synchronized FakeRepo file(String name, byte[] content) {
        boolean lfs = name.endsWith(".safetensors") || name.endsWith(".bin") || content.length > 10 * 1024;
        Blob blob = new Blob(name, content.clone(), lfs);
        files.put(name, blob);
        return this;
    }

    /** Requires {@link #TOKEN} for file contents (the listing stays public, as on the hub). */
    public FakeRepo gated() {
        gated = true;
        return this;
    }

    /** The next {@code times} content requests of {@code file} send {@code after} bytes and then drop the connection. */
    public FakeRepo cutAfter(String file, long after, int times) {
        Blob blob = blob(file);
        blob.cutAfter = after;
        blob.stallMillis = 0;
        blob.faults.set(times);
        return this;
    }

    /** The next content request of {@code file} sends {@code after} bytes and then goes silent for {@code millis}. */
    public FakeRepo stallAfter(String file, long after, long millis) {
        Blob blob = blob(file);
        blob.cutAfter = after;
        blob.stallMillis = millis;
        blob.faults.set(1);
        return this;
    }

    /** Serves {@code file} with one byte changed (same length), so its hash does not match the listing. */
    public FakeRepo corrupt(String file) {
        blob(file).corrupt = true;
        return this;
    }

    /** The hash the listing gives for {@code file}: the blob name it gets in the cache. */
    public String etag(String file) {
        Blob blob = blob(file);
        return blob.lfs ? blob.sha256 : blob.gitSha1;
    }

    boolean isCdnPathOf(String path, String file) {
        Blob blob = blob(file);
        return blob != null && blob.lfs && path.equals("/cdn/" + blob.sha256);
    }

    static final class Blob {
        final String name;
        final byte[] content;
        final boolean lfs;
        final String sha256;
        final String gitSha1;
        final AtomicInteger faults = new AtomicInteger();
        volatile long cutAfter;
        volatile long stallMillis;
        volatile boolean corrupt;

        Blob(String name, byte[] content, boolean lfs) {
            this.name = name;
            this.content = content;
            this.lfs = lfs;
            this.sha256 = FakeHub.hex("SHA-256", content);
            byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
            byte[] withHeader = new byte[header.length + content.length];
            System.arraycopy(header, 0, withHeader, 0, header.length);
            System.arraycopy(content, 0, withHeader, header.length, content.length);
            this.gitSha1 = FakeHub.hex("SHA-1", withHeader);
        }
    }
}
