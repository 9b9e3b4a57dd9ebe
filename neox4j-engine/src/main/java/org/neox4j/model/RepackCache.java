package org.neox4j.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.format.MappedFile;
import org.neox4j.format.TensorStore;
import org.neox4j.os.AnonymousMemory;
import org.neox4j.os.NativeMemory;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.RowGroups;
import org.neox4j.tensor.Tensor;
import org.neox4j.tensor.WorkerPool;

/**
 * The row-grouped copy ({@link RowGroups}) of a mapped model's Q4_0 matrices, kept in a file and
 * mapped like the model ({@link LoadOptions#repackCache()}): resident mode's decode kernel with
 * nothing copied into the process, so the memory stays that of the mapped file and a warm start
 * is as quick as plain mapping. The first load writes the file (regrouping, as resident mode does
 * at every load, plus the disk writes); later loads check its header and map it.
 *
 * <p>File: a header, then each grouped matrix at a page-aligned offset. Header (little-endian):
 * {@code "NEOX4JRG"}, int32 version, int32 count, the 32-byte key, then per matrix an int16 name
 * length, the UTF-8 name, int64 offset (-1: the matrix has a non-finite scale and stays in the
 * model's layout) and int64 size. The key is a SHA-256 of the model files' paths, sizes and
 * modification times, the layout version and every matrix's name and shape: a file whose key,
 * entries or size do not match (another model, a changed file, a truncated write) is written
 * again. The bytes themselves are not checksummed (that would read the whole file at every load).
 */
final class RepackCache implements HeldWeights {
    private static final byte[] MAGIC = "NEOX4JRG".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final long PAGE = 4096;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final System.Logger LOG = System.getLogger(RepackCache.class.getName());

    private final Arena arena;
    private final ModelWeights weights;
    private final Path file;
    private final boolean written;

    private RepackCache(Arena arena, ModelWeights weights, Path file, boolean written) {
        this.arena = arena;
        this.weights = weights;
        this.file = file;
        this.written = written;
    }

    /** One grouped matrix of the file: where its bytes are, or -1 when it stays in the model's layout. */
    private record Entry(String name, long offset, long size) {
    }

    /**
     * {@code mapped} with its Q4_0 matrices mapped row-grouped from the cache file for
     * {@code store} in {@code dir}, written first when there is no valid one; null when the model
     * has no matrix to regroup.
     */
    static RepackCache open(ModelWeights mapped, TensorStore store, Path dir, WorkerPool pool, ProgressListener progress) {
        List<Tensor> matrices = groupable(mapped);
        if (matrices.isEmpty()) {
            return null;
        }
        String key = key(store, matrices);
        String prefix = filePrefix(store);
        Path file = dir.resolve(prefix + key.substring(0, 16) + ".groups");
        if (Files.isRegularFile(file)) {
            try {
                return map(mapped, matrices, key, file, false);
            } catch (InvalidCache e) {
                LOG.log(System.Logger.Level.WARNING, "repack cache " + file + " is not usable (" + e.getMessage() + "); writing it again");
            }
        }
        write(matrices, key, file, pool, progress);
        removeOlderVersions(dir, prefix, file);
        try {
            return map(mapped, matrices, key, file, true);
        } catch (InvalidCache e) {
            throw new Neox4jException("repack cache " + file + " was just written but does not read back: " + e.getMessage());
        }
    }

    @Override
    public ModelWeights weights() {
        return weights;
    }

    /** What this load did, for the memory report. */
    String describe() {
        return "Q4_0 matrices regrouped for the decode kernel, mapped from " + file + (written ? " (written at this load)" : "");
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Whether {@code w} has a Q4_0 matrix in GGML's layout that the group kernel could take. */
    static boolean hasGroupable(ModelWeights w) {
        return !groupable(w).isEmpty();
    }

    /** The matrices a token reads in full that the group kernel can take, in a fixed order. */
    private static List<Tensor> groupable(ModelWeights w) {
        List<Tensor> out = new ArrayList<>();
        for (LayerWeights l : w.layers()) {
            for (Tensor t : l.matrices()) {
                addIfGroupable(out, t);
            }
        }
        addIfGroupable(out, w.embedOut());
        return out;
    }

    private static void addIfGroupable(List<Tensor> out, Tensor t) {
        if (t != null && t.dtype() == DType.Q4_0 && t.layout() == Tensor.Layout.ROWS && RowGroups.supports(DType.Q4_0, t.cols())) {
            out.add(t);
        }
    }

    private static String key(TensorStore store, List<Tensor> matrices) {
        StringBuilder identity = new StringBuilder("neox4j row groups v" + VERSION + " rows " + RowGroups.ROWS);
        try {
            for (MappedFile f : store.mappedFiles()) {
                Path p = f.path().toAbsolutePath().normalize();
                identity.append('\n').append(p).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis());
            }
        } catch (IOException e) {
            throw new Neox4jException("cannot identify " + store.source() + " for its repack cache: " + e.getMessage(), e);
        }
        for (Tensor t : matrices) {
            identity.append('\n').append(t.name()).append(' ').append(t.rows()).append('x').append(t.cols());
        }
        return HexFormat.of().formatHex(sha256(identity.toString()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The model file's name and a hash of its path: the cache files of one model path share this
     * prefix and differ in the key, so a changed model file's older cache can be found and removed,
     * while models of the same name in other directories keep theirs.
     */
    private static String filePrefix(TensorStore store) {
        List<MappedFile> files = store.mappedFiles();
        Path path = files.isEmpty() ? Path.of("model") : files.getFirst().path().toAbsolutePath().normalize();
        String name = String.valueOf(path.getFileName()).replaceAll("[^A-Za-z0-9._-]", "_");
        return name + "-" + HexFormat.of().formatHex(sha256(path.toString()), 0, 4) + "-";
    }

    /** Deletes the cache files of earlier versions of the same model file (they are as large as the new one). */
    private static void removeOlderVersions(Path dir, String prefix, Path current) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*.groups")) {
            for (Path f : files) {
                boolean version = f.getFileName().toString().matches(Pattern.quote(prefix) + "[0-9a-f]{16}\\.groups");
                if (version && !f.equals(current)) {
                    Files.deleteIfExists(f);
                    LOG.log(System.Logger.Level.INFO, "removed " + f + ", the repack cache of an earlier version of the model file");
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove older repack caches in " + dir + ": " + e.getMessage());
        }
    }

    private static byte[] header(List<Tensor> matrices, String key, long[] offsets) {
        int size = MAGIC.length + 4 + 4 + 32;
        for (Tensor t : matrices) {
            size += 2 + t.name().getBytes(StandardCharsets.UTF_8).length + 8 + 8;
        }
        MemorySegment h = MemorySegment.ofArray(new byte[size]);
        MemorySegment.copy(MAGIC, 0, h, ValueLayout.JAVA_BYTE, 0, MAGIC.length);
        long at = MAGIC.length;
        h.set(I32, at, VERSION);
        h.set(I32, at + 4, matrices.size());
        MemorySegment.copy(HexFormat.of().parseHex(key), 0, h, ValueLayout.JAVA_BYTE, at + 8, 32);
        at += 40;
        for (int i = 0; i < matrices.size(); i++) {
            Tensor t = matrices.get(i);
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            h.set(I16, at, (short) name.length);
            MemorySegment.copy(name, 0, h, ValueLayout.JAVA_BYTE, at + 2, name.length);
            at += 2 + name.length;
            h.set(I64, at, offsets[i]);
            h.set(I64, at + 8, offsets[i] < 0 ? 0 : RowGroups.byteSize(t));
            at += 16;
        }
        return h.toArray(ValueLayout.JAVA_BYTE);
    }

    private static long pageAlign(long n) {
        return (n + PAGE - 1) & -PAGE;
    }

    /** Regroups {@code matrices} into a new file, written beside {@code file} and renamed into place. */
    private static void write(List<Tensor> matrices, String key, Path file, WorkerPool pool, ProgressListener progress) {
        long[] offsets = new long[matrices.size()];
        long end = pageAlign(header(matrices, key, offsets).length);
        long data = 0;
        for (int i = 0; i < matrices.size(); i++) {
            offsets[i] = end;
            long size = RowGroups.byteSize(matrices.get(i));
            end = pageAlign(end + size);
            data += size;
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(file.getParent());
            long usable = Files.getFileStore(file.getParent()).getUsableSpace();
            if (usable < end) {
                throw new Neox4jException(String.format(Locale.ROOT,
                        "the repack cache needs %s in %s but only %s is free; free some space, choose another"
                                + " directory (--repack-cache DIR) or load without it",
                        StreamingResidency.gib(end), file.getParent(), StreamingResidency.gib(usable)));
            }
            progress.start("regrouping Q4_0 matrices", data);
            // Each matrix is regrouped in RAM and written with FileChannel.write, not through a
            // writable mapping: a full disk is then an IOException, where a mapping's writes would
            // fault; one matrix is resident at a time.
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                for (int i = 0; i < matrices.size(); i++) {
                    Tensor t = matrices.get(i);
                    try (Arena arena = Arena.ofShared()) { // the pool's threads write into it
                        MemorySegment grouped = AnonymousMemory.allocate(arena, RowGroups.byteSize(t));
                        if (RowGroups.packInto(t, grouped, pool)) {
                            writeFully(channel, grouped, offsets[i]);
                        } else {
                            offsets[i] = -1; // a non-finite scale: this matrix stays in the model's layout
                        }
                        NativeMemory.madvise(t.data(), NativeMemory.MADV_DONTNEED); // the model's pages were only read
                        progress.advance(grouped.byteSize());
                    }
                }
                writeFully(channel, MemorySegment.ofArray(header(matrices, key, offsets)), 0);
                channel.truncate(end);
                if (channel.size() < end) { // the last matrix left out: extend the file to its recorded size
                    channel.write(ByteBuffer.allocate(1), end - 1);
                }
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new Neox4jException("cannot write the repack cache " + file + ": " + e.getMessage(), e);
        } finally {
            progress.finish();
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a leftover partial file is never read: its name is not a cache file's
            }
        }
    }

    private static void writeFully(FileChannel channel, MemorySegment bytes, long at) throws IOException {
        for (long done = 0; done < bytes.byteSize(); ) {
            long n = Math.min(bytes.byteSize() - done, 64L << 20);
            ByteBuffer buffer = bytes.asSlice(done, n).asByteBuffer();
            while (buffer.hasRemaining()) {
                done += channel.write(buffer, at + done);
            }
        }
    }

    /** Maps {@code file} and checks it against the model; throws {@link InvalidCache} saying what does not match. */
    private static RepackCache map(ModelWeights mapped, List<Tensor> matrices, String key, Path file, boolean written)
            throws InvalidCache {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            }
            List<Entry> entries = readHeader(segment, key, matrices.size());
            Map<Tensor, Tensor> grouped = new IdentityHashMap<>();
            for (int i = 0; i < matrices.size(); i++) {
                Tensor t = matrices.get(i);
                Entry e = entries.get(i);
                if (!e.name().equals(t.name())) {
                    throw new InvalidCache("matrix " + i + " is " + e.name() + ", expected " + t.name());
                }
                if (e.offset() < 0) {
                    continue;
                }
                if (e.size() != RowGroups.byteSize(t) || e.offset() % PAGE != 0 || e.offset() > segment.byteSize() - e.size()) {
                    throw new InvalidCache(t.name() + ": " + e.size() + " bytes at " + e.offset() + " do not fit "
                            + RowGroups.byteSize(t) + " bytes of row groups in a file of " + segment.byteSize());
                }
                grouped.put(t, RowGroups.grouped(t, segment.asSlice(e.offset(), e.size())));
            }
            // The model file's copies are not read again; drop what is mapped of them (reading the
            // norms and biases between them maps neighbouring pages: the kernel's fault-around).
            grouped.keySet().forEach(t -> NativeMemory.madvise(t.data(), NativeMemory.MADV_DONTNEED));
            RepackCache cache = new RepackCache(arena, mapped.withMatrices(t -> grouped.getOrDefault(t, t), false), file, written);
            arena = null;
            return cache;
        } catch (IOException e) {
            throw new InvalidCache("cannot map it: " + e.getMessage());
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    private static List<Entry> readHeader(MemorySegment s, String key, int count) throws InvalidCache {
        long fixed = MAGIC.length + 4 + 4 + 32;
        if (s.byteSize() < fixed || !Arrays.equals(s.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE), MAGIC)) {
            throw new InvalidCache("not a neox4j repack cache (bad magic)");
        }
        int version = s.get(I32, MAGIC.length);
        if (version != VERSION) {
            throw new InvalidCache("layout version " + version + ", this neox4j writes " + VERSION);
        }
        int n = s.get(I32, MAGIC.length + 4);
        if (n != count) {
            throw new InvalidCache(n + " matrices, the model has " + count);
        }
        byte[] fileKey = s.asSlice(MAGIC.length + 8, 32).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(fileKey, HexFormat.of().parseHex(key))) {
            throw new InvalidCache("made from another model file or version of it");
        }
        List<Entry> entries = new ArrayList<>(n);
        long at = fixed;
        for (int i = 0; i < n; i++) {
            if (at + 2 > s.byteSize()) {
                throw new InvalidCache("header truncated");
            }
            int length = Short.toUnsignedInt(s.get(I16, at));
            if (at + 2 + length + 16 > s.byteSize()) {
                throw new InvalidCache("header truncated");
            }
            String name = new String(s.asSlice(at + 2, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            at += 2 + length;
            entries.add(new Entry(name, s.get(I64, at), s.get(I64, at + 8)));
            at += 16;
        }
        return entries;
    }

    /** A cache file that does not belong to the model or is damaged: it is written again. */
    private static final class InvalidCache extends Exception {
        InvalidCache(String message) {
            super(message, null, false, false);
        }
    }
}
