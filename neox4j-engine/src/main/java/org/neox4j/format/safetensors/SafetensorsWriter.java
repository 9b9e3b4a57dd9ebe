package org.neox4j.format.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.neox4j.ProgressListener;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorSpec;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;

/**
 * Writes safetensors files as Hugging Face's {@code save_pretrained} does: a header with
 * {@code "__metadata__": {"format": "pt"}} and the tensors sorted by name, padded with spaces
 * to a multiple of 8 bytes, then the tensors' bytes in the same order. Large models are split
 * into shards of bounded size with a {@code model.safetensors.index.json}.
 *
 * <p>The layout comes from {@link TensorSpec}s, so the header is written before any tensor is
 * read; each tensor is then asked of the source, written, and dropped: memory stays constant
 * whatever the model's size. Files appear under their final names only when complete.
 */
public final class SafetensorsWriter {
    /** Hugging Face's default shard bound ({@code max_shard_size="5GB"}). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Indented as Python's {@code json.dumps(indent=2)}, which Hugging Face uses for its JSON files. */
    private static final DefaultPrettyPrinter PYTHON_STYLE = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    private static final long CHUNK = 64L << 20;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A float32 tensor held in memory. */
    public record FloatTensor(String name, long[] shape, float[] data) {
        public FloatTensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape holds " + n + " values, data has " + data.length);
            }
        }

        Tensor toTensor() {
            MemorySegment bytes = MemorySegment.ofArray(new byte[4 * data.length]);
            for (int i = 0; i < data.length; i++) {
                bytes.set(F32, 4L * i, data[i]);
            }
            return new Tensor(name, DType.F32, shape, bytes);
        }
    }

    private SafetensorsWriter() {
    }

    /** Writes in-memory float32 tensors as one file, with {@code metadata} as its {@code __metadata__}. */
    public static void writeF32(Path file, Map<String, String> metadata, List<FloatTensor> tensors) {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        tensors.forEach(t -> byName.put(t.name(), t.toTensor()));
        List<TensorSpec> specs = tensors.stream().map(t -> new TensorSpec(t.name(), DType.F32, t.shape())).toList();
        write(file, specs, metadata, byName::get, ProgressListener.NONE);
    }

    /**
     * Writes {@code specs} into {@code dir}: {@code model.safetensors} when they fit one shard of
     * {@code maxShardBytes}, else {@code model-0000i-of-0000n.safetensors} and the index.
     * {@code source} gives each tensor when its turn comes. Returns the files written.
     */
    public static List<Path> writeModel(Path dir, List<TensorSpec> specs, long maxShardBytes, Function<String, Tensor> source,
            ProgressListener progress) {
        List<List<TensorSpec>> shards = shards(specs, maxShardBytes);
        long total = specs.stream().mapToLong(TensorSpec::byteSize).sum();
        progress.start("writing " + specs.size() + " tensors", total);
        List<Path> written = new ArrayList<>();
        if (shards.size() == 1) {
            written.add(write(dir.resolve("model.safetensors"), shards.getFirst(), source, progress));
        } else {
            Map<String, String> weightMap = new TreeMap<>();
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                written.add(write(dir.resolve(name), shards.get(i), source, progress));
                shards.get(i).forEach(s -> weightMap.put(s.name(), name));
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("metadata", Map.of("total_size", total));
            index.put("weight_map", weightMap);
            written.add(writeJson(dir.resolve("model.safetensors.index.json"), index));
        }
        progress.finish();
        return written;
    }

    /** Splits tensors, in order, into shards of at most {@code maxBytes} (a larger tensor gets a shard of its own), as Hugging Face does. */
    static List<List<TensorSpec>> shards(List<TensorSpec> specs, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maximum shard size must be positive, got " + maxBytes);
        }
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long size = 0;
        for (TensorSpec s : specs) {
            if (!current.isEmpty() && size + s.byteSize() > maxBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(s);
            size += s.byteSize();
        }
        shards.add(current);
        return shards;
    }

    /** Writes one safetensors file of {@code specs} with metadata {@code {"format": "pt"}}; returns its path. */
    public static Path write(Path file, List<TensorSpec> specs, Function<String, Tensor> source, ProgressListener progress) {
        return write(file, specs, Map.of("format", "pt"), source, progress);
    }

    /** Writes one safetensors file of {@code specs} with the given {@code __metadata__}; returns its path. */
    public static Path write(Path file, List<TensorSpec> specs, Map<String, String> metadata, Function<String, Tensor> source,
            ProgressListener progress) {
        List<TensorSpec> sorted = new ArrayList<>(specs);
        sorted.sort(Comparator.comparing(TensorSpec::name));
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(out, ByteBuffer.wrap(header(sorted, metadata)));
            for (TensorSpec spec : sorted) {
                Tensor t = source.apply(spec.name());
                if (t.dtype() != spec.dtype() || !Arrays.equals(t.shape(), spec.shape())) {
                    throw new FormatException("tensor '" + spec.name() + "' is " + t.dtype() + Arrays.toString(t.shape())
                            + " but was announced as " + spec.dtype() + Arrays.toString(spec.shape()));
                }
                MemorySegment data = t.data();
                for (long at = 0; at < data.byteSize(); at += CHUNK) {
                    long n = Math.min(CHUNK, data.byteSize() - at);
                    writeFully(out, data.asSlice(at, n).asByteBuffer());
                    progress.advance(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
        return moveIntoPlace(partial, file);
    }

    /** The header: metadata, then every tensor (sorted) with consecutive data offsets; space-padded to 8 bytes. */
    static byte[] header(List<TensorSpec> sorted, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", new TreeMap<>(metadata));
        long offset = 0;
        for (TensorSpec s : sorted) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", SafetensorsDType.nameOf(s.dtype()));
            entry.put("shape", s.shape());
            entry.put("data_offsets", new long[] {offset, offset + s.byteSize()});
            offset += s.byteSize();
            if (header.put(s.name(), entry) != null) {
                throw new IllegalArgumentException("tensor '" + s.name() + "' appears twice");
            }
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[8 + padded];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, out, 8, json.length);
        Arrays.fill(out, 8 + json.length, out.length, (byte) ' ');
        return out;
    }

    /** Writes {@code value} as indented JSON (keys in the map's order), in place only when complete. */
    public static Path writeJson(Path file, Object value) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            String text = JSON.writer(PYTHON_STYLE).writeValueAsString(value) + "\n";
            Files.writeString(partial, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
        return moveIntoPlace(partial, file);
    }

    private static Path moveIntoPlace(Path partial, Path file) {
        try {
            return Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
