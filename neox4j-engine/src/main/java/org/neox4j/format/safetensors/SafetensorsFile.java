package org.neox4j.format.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorStore;
import org.neox4j.tensor.Tensor;

/**
 * One safetensors file, memory-mapped read-only: tensors are views into the mapping, nothing is
 * copied onto the heap. The header is validated in full before any tensor is handed out.
 */
public final class SafetensorsFile implements TensorStore {
    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final MemorySegment data;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, Arena arena, MemorySegment file, MemorySegment data, SafetensorsHeader header) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.data = data;
        this.header = header;
    }

    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new FormatException(path + ": not a safetensors file (" + size + " bytes, shorter than the 8-byte header length)");
            }
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength < 2 || headerLength > SafetensorsHeader.MAX_HEADER_BYTES) {
                throw new FormatException(path + ": safetensors header length " + Long.toUnsignedString(headerLength)
                        + " is out of bounds (2.." + SafetensorsHeader.MAX_HEADER_BYTES + ")");
            }
            if (8 + headerLength > size) {
                throw new FormatException(path + ": safetensors header length " + headerLength + " runs past the end of the "
                        + size + "-byte file: file truncated?");
            }
            byte[] headerBytes = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment dataSection = file.asSlice(8 + headerLength);
            SafetensorsHeader header = SafetensorsHeader.parse(headerBytes, dataSection.byteSize(), path.toString());
            return new SafetensorsFile(path, arena, file, dataSection, header);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(header.entries().keySet()));
    }

    @Override
    public Optional<Tensor> find(String name) {
        SafetensorsHeader.Entry e = header.entries().get(name);
        if (e == null) {
            return Optional.empty();
        }
        if (e.dtype().engineType == null) {
            throw new FormatException(path + ": tensor '" + name + "' has dtype " + e.dtype()
                    + ", which cannot be used as weights (supported: F32, F16, BF16)");
        }
        return Optional.of(new Tensor(name, e.dtype().engineType, e.shape(), data.asSlice(e.begin(), e.end() - e.begin())));
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public String source() {
        return path.toString();
    }

    public Path path() {
        return path;
    }

    @Override
    public java.util.List<org.neox4j.format.MappedFile> mappedFiles() {
        return java.util.List.of(new org.neox4j.format.MappedFile(path, file));
    }

    @Override
    public void close() {
        arena.close();
    }
}
