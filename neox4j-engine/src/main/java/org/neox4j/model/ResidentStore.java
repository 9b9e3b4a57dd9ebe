package org.neox4j.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SequencedSet;
import org.neox4j.Neox4jException;
import org.neox4j.format.TensorStore;
import org.neox4j.os.MemoryInfo;
import org.neox4j.os.NativeMemory;
import org.neox4j.tensor.Tensor;

/**
 * The tensors of a store copied into RAM (off-heap), for {@link MemoryMode#RESIDENT}: after
 * loading, no weight depends on the file or the page cache. The copy is refused before anything
 * is allocated when the machine's available memory ({@code MemAvailable}) cannot hold it.
 */
final class ResidentStore implements TensorStore {
    /** Kept free beside the weights for the JVM, activations and the KV cache of a short context. */
    static final long HEADROOM = 512L << 20;

    private final TensorStore source;
    private final Arena arena = Arena.ofShared();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final long bytes;

    private ResidentStore(TensorStore source, long bytes) {
        this.source = source;
        this.bytes = bytes;
    }

    static ResidentStore copyOf(TensorStore source) {
        return copyOf(source, MemoryInfo.available());
    }

    static ResidentStore copyOf(TensorStore source, OptionalLong available) {
        long total = 0;
        for (String name : source.names()) {
            total += source.get(name).byteSize();
        }
        if (available.isPresent() && total + HEADROOM > available.getAsLong()) {
            throw new Neox4jException(String.format(Locale.ROOT, "%s: --memory resident needs %s for the weights plus %s headroom,"
                    + " but only %s is available (MemAvailable); use --memory mmap (the default) or --memory stream --max-resident SIZE",
                    source.source(), StreamingResidency.gib(total), StreamingResidency.gib(HEADROOM),
                    StreamingResidency.gib(available.getAsLong())));
        }
        ResidentStore copy = new ResidentStore(source, total);
        try {
            for (String name : source.names()) {
                Tensor t = source.get(name);
                MemorySegment ram = copy.arena.allocate(t.byteSize(), 64);
                ram.copyFrom(t.data());
                // The mapped pages were only read to copy them: drop them from this process.
                NativeMemory.madvise(t.data(), NativeMemory.MADV_DONTNEED);
                copy.tensors.put(name, new Tensor(name, t.dtype(), t.shape(), ram));
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            copy.arena.close();
            throw e;
        }
        return copy;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public SequencedSet<String> names() {
        return source.names();
    }

    @Override
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Map<String, String> metadata() {
        return source.metadata();
    }

    @Override
    public String source() {
        return source.source();
    }

    @Override
    public void close() {
        arena.close();
        source.close();
    }
}
