package org.neox4j.format.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file as llama.cpp's writer lays it out: header, key-value pairs in the order
 * given, tensor infos, padding to {@code general.alignment}, then each tensor's data padded to the
 * alignment. Tensor data is streamed: each tensor's bytes are produced only when it is its turn,
 * so memory is bounded by one tensor. The file appears atomically (written beside the target,
 * then renamed).
 */
public final class GgufWriter {
    /** Produces the bytes of one tensor into the sink, exactly {@code tensor.byteSize()} of them. */
    @FunctionalInterface
    public interface TensorData {
        void write(GgufTensorInfo tensor, Sink sink) throws IOException;
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<GgufTensorInfo> tensors = new ArrayList<>();
    private final int alignment;
    private long nextOffset;

    public GgufWriter() {
        this(GgufReader.DEFAULT_ALIGNMENT);
    }

    public GgufWriter(int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        this.alignment = alignment;
        if (alignment != GgufReader.DEFAULT_ALIGNMENT) {
            metadata.put("general.alignment", GgufValue.uint32(alignment));
        }
    }

    public GgufWriter put(String key, GgufValue value) {
        if (metadata.containsKey(key)) {
            throw new IllegalArgumentException("metadata key '" + key + "' set twice");
        }
        metadata.put(key, value);
        return this;
    }

    /** Plans a tensor; {@code shape} is outermost first (PyTorch order), stored reversed as GGML's ne[]. */
    public GgufTensorInfo addTensor(String name, GgmlType type, long[] shape) {
        long[] ne = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            ne[i] = shape[shape.length - 1 - i];
        }
        long elements = 1;
        for (long d : ne) {
            elements = Math.multiplyExact(elements, d);
        }
        if (ne[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + ": rows of " + ne[0] + " are not whole " + type + " blocks");
        }
        long bytes = elements / type.blockSize() * type.blockBytes();
        GgufTensorInfo info = new GgufTensorInfo(name, ne, type, nextOffset, bytes);
        tensors.add(info);
        nextOffset = pad(nextOffset + bytes);
        return info;
    }

    public List<GgufTensorInfo> tensors() {
        return List.copyOf(tensors);
    }

    /** Writes the file: the header, then every planned tensor in order through {@code data}. */
    public void write(Path file, TensorData data) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            Sink sink = new Sink(channel);
            byte[] header = header();
            sink.write(ByteBuffer.wrap(header));
            sink.zeros(pad(header.length) - header.length);
            for (GgufTensorInfo t : tensors) {
                long before = sink.position();
                data.write(t, sink);
                long wrote = sink.position() - before;
                if (wrote != t.byteSize()) {
                    throw new IllegalStateException("tensor " + t.name() + ": wrote " + wrote + " bytes, expected " + t.byteSize());
                }
                sink.zeros(pad(t.byteSize()) - t.byteSize());
            }
            sink.flush();
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private long pad(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private byte[] header() {
        Bytes out = new Bytes();
        out.i32(GgufReader.MAGIC);
        out.i32(3);
        out.i64(tensors.size());
        out.i64(metadata.size());
        metadata.forEach((key, value) -> {
            out.string(key);
            out.i32(value.type().id());
            value(out, value);
        });
        for (GgufTensorInfo t : tensors) {
            out.string(t.name());
            out.i32(t.ne().length);
            for (long d : t.ne()) {
                out.i64(d);
            }
            out.i32(t.type().id());
            out.i64(t.offset());
        }
        return out.toByteArray();
    }

    private static void value(Bytes out, GgufValue value) {
        switch (value) {
            case GgufValue.IntValue(GgufValueType type, long v) -> {
                switch (type.fixedSize()) {
                    case 1 -> out.write((int) v);
                    case 2 -> out.i16((int) v);
                    case 4 -> out.i32((int) v);
                    default -> out.i64(v);
                }
            }
            case GgufValue.FloatValue(GgufValueType type, double v) -> {
                if (type == GgufValueType.FLOAT32) {
                    out.i32(Float.floatToRawIntBits((float) v));
                } else {
                    out.i64(Double.doubleToRawLongBits(v));
                }
            }
            case GgufValue.BoolValue(boolean b) -> out.write(b ? 1 : 0);
            case GgufValue.StringValue(String s) -> out.string(s);
            case GgufValue.ArrayValue(GgufValueType elementType, List<GgufValue> elements) -> {
                out.i32(elementType.id());
                out.i64(elements.size());
                for (GgufValue e : elements) {
                    value(out, e);
                }
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the original error is the one to report
        }
    }

    /** Little-endian header bytes. */
    private static final class Bytes extends ByteArrayOutputStream {
        void i16(int v) {
            write(v);
            write(v >>> 8);
        }

        void i32(int v) {
            i16(v);
            i16(v >>> 16);
        }

        void i64(long v) {
            i32((int) v);
            i32((int) (v >>> 32));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            write(b, 0, b.length);
        }
    }

    /** Where tensor bytes go: a buffered channel that counts what it wrote. */
    public static final class Sink {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long flushed;

        Sink(FileChannel channel) {
            this.channel = channel;
        }

        /** Bytes written so far, buffered ones included. */
        long position() {
            return flushed + buffer.position();
        }

        /** Makes room for {@code bytes} more bytes in {@link #buffer()} (at most 1 MiB). */
        public ByteBuffer ensure(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return buffer;
        }

        public void write(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = Math.min(src.remaining(), buffer.remaining());
                ByteBuffer slice = src.slice(src.position(), n);
                buffer.put(slice);
                src.position(src.position() + n);
            }
        }

        /** Copies the bytes of a segment (for instance a tensor already in the target type). */
        public void write(MemorySegment src) throws IOException {
            long done = 0;
            while (done < src.byteSize()) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = (int) Math.min(src.byteSize() - done, buffer.remaining());
                // ofBuffer starts at the buffer's position
                MemorySegment.ofBuffer(buffer).asSlice(0, n).copyFrom(src.asSlice(done, n));
                buffer.position(buffer.position() + n);
                done += n;
            }
        }

        void zeros(long n) throws IOException {
            for (long i = 0; i < n; i++) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                buffer.put((byte) 0);
            }
        }

        void flush() throws IOException {
            buffer.flip();
            flushed += buffer.remaining();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }
    }
}
