package org.neox4j.format.pt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.neox4j.format.FormatException;

/**
 * The zip container of {@code torch.save} (PyTorch 1.6 and later), memory-mapped. The central
 * directory is read and checked here (ZIP64 included): every entry's local header must match it
 * and its bytes must lie inside the file. Stored (uncompressed) entries, which is how PyTorch
 * writes them, are returned as views of the mapping, so tensors are never copied; a deflated
 * entry is inflated into a copy when it is small, and is an error otherwise.
 *
 * <p>All records live under one directory, the archive name ({@code layer_02-model_00-model_states/}),
 * found as whatever precedes {@code data.pkl}.
 */
public final class PtZip implements AutoCloseable {
    /** Largest deflated entry that is inflated into memory; PyTorch never compresses its records. */
    static final long MAX_INFLATE = 16L << 20;
    /** Most bytes inflated from one archive in all: bounds a zip bomb of many small deflated entries. */
    static final long MAX_INFLATE_TOTAL = 64L << 20;
    private static final int MAX_ENTRIES = 100_000;
    private static final int MAX_NAME = 1024;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int STORED = 0;
    private static final int DEFLATED = 8;

    /** One file of the archive; {@code dataOffset} is where its (possibly compressed) bytes start. */
    public record Entry(String name, int method, long compressedSize, long size, int crc, long dataOffset) {
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final Map<String, Entry> entries;
    private final String prefix;
    private long inflated;

    private PtZip(Path path, Arena arena, MemorySegment file, Map<String, Entry> entries, String prefix) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.entries = entries;
        this.prefix = prefix;
    }

    public static PtZip open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            Map<String, Entry> entries = new CentralDirectory(path, file).read();
            PtZip zip = new PtZip(path, arena, file, entries, findPrefix(path, entries));
            zip.checkHeaderRecords();
            return zip;
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static String findPrefix(Path path, Map<String, Entry> entries) {
        String prefix = null;
        for (String name : entries.keySet()) {
            if (name.equals("data.pkl") || name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                if (prefix != null) {
                    throw new FormatException(path + ": more than one data.pkl in the archive");
                }
                prefix = name.substring(0, name.length() - "data.pkl".length());
            }
        }
        if (prefix == null) {
            throw new FormatException(path + ": no data.pkl in the zip archive: not a torch.save checkpoint");
        }
        return prefix;
    }

    /** Checks {@code byteorder} (little endian only) and {@code version}. */
    private void checkHeaderRecords() {
        Optional<Entry> byteorder = record("byteorder");
        if (byteorder.isPresent()) {
            String order = new String(readSmall(byteorder.get()), StandardCharsets.US_ASCII).strip();
            if (order.equals("big")) {
                throw new FormatException(path + ": checkpoint was saved on a big-endian machine (byteorder 'big');"
                        + " neox4j reads little-endian checkpoints only: re-save it on a little-endian machine");
            }
            if (!order.equals("little")) {
                throw new FormatException(path + ": unknown byteorder '" + order + "'");
            }
        }
        Entry version = record("version").or(() -> record(".data/version")).orElseThrow(
                () -> new FormatException(path + ": no 'version' record in the archive: not a torch.save checkpoint"));
        String text = new String(readSmall(version), StandardCharsets.US_ASCII).strip();
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new FormatException(path + ": version record '" + text + "' is not a number");
        }
        if (v < 1 || v > 10) {
            throw new FormatException(path + ": unsupported torch.save format version " + v + " (1 to 10 are read)");
        }
    }

    public Path path() {
        return path;
    }

    /** The archive directory all records are under, with its trailing slash (may be empty). */
    public String prefix() {
        return prefix;
    }

    /** All entries by full name, in central-directory order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The record {@code name} under the archive directory ({@code data.pkl}, {@code data/3}). */
    public Optional<Entry> record(String name) {
        return Optional.ofNullable(entries.get(prefix + name));
    }

    /**
     * The bytes of an entry: a view of the mapping when stored; a checked, inflated copy when
     * deflated and at most {@link #MAX_INFLATE} bytes; an error otherwise. Valid until close.
     */
    public synchronized MemorySegment read(Entry e) {
        MemorySegment raw = file.asSlice(e.dataOffset(), e.compressedSize());
        return switch (e.method()) {
            case STORED -> raw;
            case DEFLATED -> {
                if (e.size() > MAX_INFLATE || inflated + e.size() > MAX_INFLATE_TOTAL) {
                    throw new FormatException(path + ": entry '" + e.name() + "' is compressed (" + e.size() + " bytes);"
                            + " PyTorch stores tensors uncompressed and neox4j maps them directly: re-save the checkpoint with torch.save");
                }
                inflated += e.size();
                MemorySegment copy = arena.allocate(Math.max(1, e.size())).asSlice(0, e.size());
                inflate(e, raw, copy);
                yield copy;
            }
            default -> throw new FormatException(path + ": entry '" + e.name() + "' uses zip compression method " + e.method()
                    + " (only stored and deflated entries are read)");
        };
    }

    /** A small record (data.pkl, version) copied onto the heap, its CRC-32 checked. */
    public byte[] readSmall(Entry e) {
        if (e.size() > Pickle.MAX_BYTES) {
            throw new FormatException(path + ": entry '" + e.name() + "' is " + e.size() + " bytes, more than the "
                    + Pickle.MAX_BYTES + " accepted for it");
        }
        byte[] bytes = read(e).toArray(ValueLayout.JAVA_BYTE);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if ((int) crc.getValue() != e.crc()) {
            throw new FormatException(path + ": entry '" + e.name() + "' fails its CRC-32 check: file corrupt");
        }
        return bytes;
    }

    private void inflate(Entry e, MemorySegment raw, MemorySegment out) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(raw.asByteBuffer());
            var buffer = out.asByteBuffer();
            while (buffer.hasRemaining() && !inflater.finished()) {
                if (inflater.inflate(buffer) == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
            if (buffer.hasRemaining() || !inflater.finished()) {
                throw new FormatException(path + ": entry '" + e.name() + "' does not inflate to its stated " + e.size() + " bytes: file corrupt");
            }
        } catch (DataFormatException ex) {
            throw new FormatException(path + ": entry '" + e.name() + "' is not valid deflate data: " + ex.getMessage());
        } finally {
            inflater.end();
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Reads and validates the end record and the central directory of a mapped zip file. */
    private record CentralDirectory(Path path, MemorySegment file) {
        Map<String, Entry> read() {
            long size = file.byteSize();
            long eocd = findEndRecord();
            long count = u16(eocd + 10);
            long cdSize = u32(eocd + 12);
            long cdOffset = u32(eocd + 16);
            if (count == 0xFFFF || cdSize == 0xFFFF_FFFFL || cdOffset == 0xFFFF_FFFFL) {
                long locator = eocd - 20;
                if (locator < 0 || file.get(I32, locator) != 0x07064b50) {
                    throw corrupt("ZIP64 end record locator missing");
                }
                long zip64 = file.get(I64, locator + 8);
                if (zip64 < 0 || zip64 > locator - 56 || file.get(I32, zip64) != 0x06064b50) {
                    throw corrupt("ZIP64 end record missing");
                }
                count = file.get(I64, zip64 + 32);
                cdSize = file.get(I64, zip64 + 40);
                cdOffset = file.get(I64, zip64 + 48);
            }
            if (count < 0 || count > MAX_ENTRIES || cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset) {
                throw corrupt("central directory (" + count + " entries at " + cdOffset + ", " + cdSize
                        + " bytes) lies outside the " + size + "-byte file: file truncated?");
            }
            Map<String, Entry> entries = new LinkedHashMap<>();
            long p = cdOffset;
            long end = cdOffset + cdSize;
            for (long i = 0; i < count; i++) {
                if (p + 46 > end || file.get(I32, p) != 0x02014b50) {
                    throw corrupt("central directory entry " + i + " is malformed");
                }
                int flags = u16(p + 8);
                int method = u16(p + 10);
                int crc = file.get(I32, p + 16);
                long compressed = u32(p + 20);
                long uncompressed = u32(p + 24);
                int nameLength = u16(p + 28);
                int extraLength = u16(p + 30);
                int commentLength = u16(p + 32);
                long local = u32(p + 42);
                if (nameLength > MAX_NAME) {
                    throw corrupt("central directory entry " + i + " has a " + nameLength + "-byte name");
                }
                if (p + 46 + nameLength + extraLength + commentLength > end) {
                    throw corrupt("central directory entry " + i + " runs past the directory");
                }
                String name = new String(file.asSlice(p + 46, nameLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                long[] wide = zip64Sizes(p + 46 + nameLength, extraLength, uncompressed, compressed, local);
                Entry e = entry(name, flags, method, crc, wide[1], wide[0], wide[2], cdOffset);
                if (entries.put(name, e) != null) {
                    throw corrupt("entry '" + name + "' appears twice");
                }
                p += 46 + nameLength + extraLength + commentLength;
            }
            return entries;
        }

        private long findEndRecord() {
            long size = file.byteSize();
            for (long p = size - 22; p >= 0 && p >= size - 22 - 0xFFFF; p--) {
                if (file.get(I32, p) == 0x06054b50 && p + 22 + u16(p + 20) == size) {
                    return p;
                }
            }
            throw new FormatException(path + ": not a zip archive, or truncated (no end-of-central-directory record);"
                    + " torch.save checkpoints are zip files");
        }

        /** Replaces 0xFFFFFFFF sizes and offset with their ZIP64 extra-field values. */
        private long[] zip64Sizes(long extra, int extraLength, long uncompressed, long compressed, long local) {
            long[] out = {uncompressed, compressed, local};
            long p = extra;
            long end = extra + extraLength;
            while (p + 4 <= end) {
                int id = u16(p);
                int length = u16(p + 2);
                if (id == 0x0001) {
                    long q = p + 4;
                    for (int i = 0; i < 3; i++) {
                        if (out[i] == 0xFFFF_FFFFL) {
                            if (q + 8 > p + 4 + length) {
                                throw corrupt("ZIP64 extra field too short");
                            }
                            out[i] = file.get(I64, q);
                            q += 8;
                        }
                    }
                }
                p += 4 + length;
            }
            return out;
        }

        private Entry entry(String name, int flags, int method, int crc, long compressed, long size, long local, long cdOffset) {
            if ((flags & 1) != 0) {
                throw corrupt("entry '" + name + "' is encrypted");
            }
            if (local < 0 || local + 30 > cdOffset || file.get(I32, local) != 0x04034b50) {
                throw corrupt("entry '" + name + "' has no local header at offset " + local);
            }
            int nameLength = u16(local + 26);
            int extraLength = u16(local + 28);
            long data = local + 30 + nameLength + extraLength;
            if (nameLength != name.getBytes(StandardCharsets.UTF_8).length
                    || !name.equals(new String(file.asSlice(local + 30, nameLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8))) {
                throw corrupt("local header of entry '" + name + "' names another file");
            }
            if (compressed < 0 || size < 0 || data > cdOffset || compressed > cdOffset - data) {
                throw corrupt("entry '" + name + "' (" + compressed + " bytes at " + data + ") runs past its space: file truncated?");
            }
            if (method == STORED && compressed != size) {
                throw corrupt("stored entry '" + name + "' has compressed size " + compressed + " but size " + size);
            }
            return new Entry(name, method, compressed, size, crc, data);
        }

        private int u16(long p) {
            return file.get(I16, p) & 0xFFFF;
        }

        private long u32(long p) {
            return file.get(I32, p) & 0xFFFF_FFFFL;
        }

        private FormatException corrupt(String message) {
            return new FormatException(path + ": corrupt zip archive: " + message);
        }
    }
}
