package org.neox4j.format.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorStore;
import org.neox4j.tensor.Tensor;

/**
 * A GGUF file, memory-mapped read-only and validated in full when opened. Its tensors are views
 * into the mapping, used in place, under the engine's Hugging Face names ({@code token_embd.weight}
 * is {@code gpt_neox.embed_in.weight}, ...). The fused QKV tensors are in llama.cpp's order (all
 * q, then all k, then all v), which the engine calls {@code QkvLayout.SPLIT}.
 */
public final class GgufFile implements TensorStore {
    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final GgufHeader header;
    private final Map<String, GgufTensorInfo> byHfName;

    private GgufFile(Path path, Arena arena, MemorySegment file, GgufHeader header) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.header = header;
        Map<String, GgufTensorInfo> map = new LinkedHashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            String hf = GgufTensorNames.toHf(t.name());
            if (map.put(hf, t) != null) {
                throw new FormatException(path + ": two tensors map to '" + hf + "'");
            }
        }
        this.byHfName = map;
    }

    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            GgufHeader header = GgufReader.read(file, path.toString());
            return new GgufFile(path, arena, file, header);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new FormatException(path + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Whether {@code path} starts with the GGUF magic (a cheap check for format detection). */
    public static boolean looksLikeGguf(Path path) {
        try (var in = java.nio.file.Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    public GgufHeader header() {
        return header;
    }

    /** The key-value metadata with typed accessors. */
    public GgufMetadata gguf() {
        return new GgufMetadata(header.metadata(), path.toString());
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(byHfName.keySet()));
    }

    @Override
    public Optional<Tensor> find(String name) {
        GgufTensorInfo t = byHfName.get(name);
        if (t == null) {
            return Optional.empty();
        }
        if (t.type().engineType() == null) {
            throw new FormatException(path + ": tensor '" + t.name() + "' is " + t.type() + ", which neox4j cannot compute with"
                    + " (supported: F32, F16, BF16, Q8_0, Q4_0); re-quantize it with `neox4j quantize`"
                    + " (llama.cpp: llama-quantize --pure)");
        }
        MemorySegment data = file.asSlice(header.dataOffset() + t.offset(), t.byteSize());
        return Optional.of(new Tensor(name, t.type().engineType(), t.shape(), data));
    }

    /** The GGUF tensor info behind an engine name. */
    public Optional<GgufTensorInfo> info(String name) {
        return Optional.ofNullable(byHfName.get(name));
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> out = new LinkedHashMap<>();
        header.metadata().forEach((k, v) -> out.put(k, GgufValue.describe(v)));
        return out;
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
