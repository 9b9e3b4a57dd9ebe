package org.neox4j.model;

import java.nio.file.Path;
import org.neox4j.ProgressListener;
import org.neox4j.tensor.DType;

/**
 * How to load a model.
 *
 * @param threads worker threads for the kernels (default: available processors)
 * @param part which weights to load (default: the whole model; a pipeline stage loads a share)
 * @param memory how the weights occupy memory
 * @param maxResident for {@link MemoryMode#STREAM}: the most bytes of weights resident at once;
 *     0 = a quarter of the memory available when loading
 * @param weightsDtype storage dtype for the weight matrices (embeddings, attention, MLP, head),
 *     or null to use them as stored. Converting quantizes (or widens/narrows) at load into
 *     off-heap memory: the model then keeps exactly that many bytes resident (e.g. Q4_0: 0.5625
 *     bytes per weight) and reads the mapped source once. A matrix whose rows are not whole
 *     32-value blocks keeps its stored dtype (as llama.cpp does). Not with {@link MemoryMode#STREAM}.
 * @param repack whether Q4_0 matrices held in RAM (converted at load, or {@link MemoryMode#RESIDENT})
 *     are reordered into row groups for the faster decode kernel ({@code RowGroups}, the same
 *     bytes permuted; activations are then quantized to 8 bits per block as llama.cpp does).
 *     Mapped and streamed weights are used as stored, unless {@code repackCache} is given. Default true.
 * @param repackCache with {@link MemoryMode#MMAP}: a directory where the row-grouped copy of the
 *     model's Q4_0 matrices is kept in a file ({@link RepackCache}), written at the first load and
 *     mapped at the next ones, so mapped weights get the faster kernel too; null (default): none
 * @param progress receives the progress of long steps of loading (copying, regrouping, writing
 *     the repack cache); {@link ProgressListener#NONE} by default
 */
public record LoadOptions(int threads, ModelPart part, MemoryMode memory, long maxResident, DType weightsDtype,
                          boolean repack, Path repackCache, ProgressListener progress) {
    public LoadOptions {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 1..1024, got " + threads);
        }
        if (part == null) {
            throw new IllegalArgumentException("the model part must be given (ModelPart.WHOLE for all of it)");
        }
        if (memory == null) {
            throw new IllegalArgumentException("memory mode must be given");
        }
        if (maxResident < 0) {
            throw new IllegalArgumentException("max resident bytes must not be negative, got " + maxResident);
        }
        if (maxResident > 0 && memory != MemoryMode.STREAM) {
            throw new IllegalArgumentException("a residency budget (--max-resident) applies to --memory stream only");
        }
        if (weightsDtype != null && memory == MemoryMode.STREAM) {
            throw new IllegalArgumentException("--weights-dtype converts the weights at load and keeps them in memory;"
                    + " it does not combine with --memory stream");
        }
        if (repackCache != null && (memory != MemoryMode.MMAP || weightsDtype != null || !repack)) {
            throw new IllegalArgumentException("a repack cache (--repack-cache) applies to mapped weights as stored:"
                    + " --memory mmap, without --weights-dtype or --no-repack");
        }
        if (progress == null) {
            throw new IllegalArgumentException("a progress listener must be given (ProgressListener.NONE for none)");
        }
    }

    public LoadOptions(int threads, ModelPart part, MemoryMode memory, long maxResident, DType weightsDtype, boolean repack) {
        this(threads, part, memory, maxResident, weightsDtype, repack, null, ProgressListener.NONE);
    }

    public LoadOptions(int threads, ModelPart part, MemoryMode memory, long maxResident, DType weightsDtype) {
        this(threads, part, memory, maxResident, weightsDtype, true);
    }

    public LoadOptions(int threads, ModelPart part, MemoryMode memory, long maxResident) {
        this(threads, part, memory, maxResident, null);
    }

    public LoadOptions(int threads) {
        this(threads, ModelPart.WHOLE, MemoryMode.MMAP, 0);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Runtime.getRuntime().availableProcessors());
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(n, part, memory, maxResident, weightsDtype, repack, repackCache, progress);
    }

    public LoadOptions withPart(ModelPart p) {
        return new LoadOptions(threads, p, memory, maxResident, weightsDtype, repack, repackCache, progress);
    }

    public LoadOptions withMemory(MemoryMode mode) {
        return new LoadOptions(threads, part, mode, mode == MemoryMode.STREAM ? maxResident : 0, weightsDtype, repack,
                mode == MemoryMode.MMAP ? repackCache : null, progress);
    }

    /** Stream mode with a budget of {@code bytes} resident weight bytes. */
    public LoadOptions withStreaming(long bytes) {
        return new LoadOptions(threads, part, MemoryMode.STREAM, bytes, weightsDtype, repack, repackCache, progress);
    }

    /** Weight matrices converted to {@code type} at load (null: as stored). */
    public LoadOptions withWeightsDtype(DType type) {
        return new LoadOptions(threads, part, memory, maxResident, type, repack, repackCache, progress);
    }

    /** With or without the Q4_0 row-group repacking (see {@code repack}). */
    public LoadOptions withRepack(boolean on) {
        return new LoadOptions(threads, part, memory, maxResident, weightsDtype, on, repackCache, progress);
    }

    /** Mapped Q4_0 matrices regrouped once into a cache file under {@code dir} and mapped from it (null: none). */
    public LoadOptions withRepackCache(Path dir) {
        return new LoadOptions(threads, part, memory, maxResident, weightsDtype, repack, dir, progress);
    }

    /** Progress of long loading steps reported to {@code listener}. */
    public LoadOptions withProgress(ProgressListener listener) {
        return new LoadOptions(threads, part, memory, maxResident, weightsDtype, repack, repackCache, listener);
    }
}
