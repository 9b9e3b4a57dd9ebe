package org.neox4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.neox4j.os.AnonymousMemory;
import org.neox4j.tensor.WorkerPool;

/**
 * This machine's memory read bandwidth, measured the way decoding reads weights: every thread
 * of the pool streams its own slice of an off-heap buffer far larger than the caches, with
 * {@link #STREAMS} independent sequential streams per thread (so the hardware prefetchers
 * and the memory controller see several open pages at once) and vector loads summed into
 * independent accumulators (so no dependency chain limits the loads). This is what a good
 * streaming read achieves, the ceiling a memory-bound decode step can reach.
 */
public final class MemoryBandwidth implements WorkerPool.RangeTask {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int STREAMS = 4;

    /** Bytes per second of each pass, and the best and median over the passes. */
    public record Result(double[] passes, double best, double median) {
    }

    private final MemorySegment buffer;
    private final int threads;
    private final float[] sinks;

    private MemoryBandwidth(MemorySegment buffer, int threads) {
        this.buffer = buffer;
        this.threads = threads;
        this.sinks = new float[threads * 16];
    }

    /** Streams a {@code bytes}-sized buffer {@code passes} times with all threads of {@code pool}. */
    public static Result measure(WorkerPool pool, long bytes, int passes) {
        try (Arena arena = Arena.ofShared()) {
            // mapped like the weights that decoding reads (anonymous, huge pages where granted): a
            // buffer on 4 KiB pages streams slower and would understate the limit
            MemorySegment buf = AnonymousMemory.allocate(arena, bytes);
            buf.fill((byte) 1); // touch every page so the passes read memory, not page faults
            MemoryBandwidth probe = new MemoryBandwidth(buf, pool.threads());
            double[] rates = new double[passes];
            pool.parallelFor(pool.threads(), probe); // warm-up pass (JIT)
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                pool.parallelFor(pool.threads(), probe);
                rates[p] = bytes / ((System.nanoTime() - t0) * 1e-9);
            }
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            return new Result(rates, sorted[passes - 1], sorted[passes / 2]);
        }
    }

    @Override
    public void run(int start, int end) {
        for (int t = start; t < end; t++) {
            sinks[t * 16] = readSlice(t);
        }
    }

    private float readSlice(int t) {
        long slice = buffer.byteSize() / threads / (STREAMS * 4L * F.vectorByteSize()) * (STREAMS * 4L * F.vectorByteSize());
        long stream = slice / STREAMS;
        long base = t * slice;
        int vb = F.vectorByteSize();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (long off = 0; off < stream; off += 2L * vb) {
            long p = base + off;
            a0 = a0.add(FloatVector.fromMemorySegment(F, buffer, p, ByteOrder.LITTLE_ENDIAN))
                    .add(FloatVector.fromMemorySegment(F, buffer, p + vb, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, buffer, p + stream, ByteOrder.LITTLE_ENDIAN))
                    .add(FloatVector.fromMemorySegment(F, buffer, p + stream + vb, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, buffer, p + 2 * stream, ByteOrder.LITTLE_ENDIAN))
                    .add(FloatVector.fromMemorySegment(F, buffer, p + 2 * stream + vb, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, buffer, p + 3 * stream, ByteOrder.LITTLE_ENDIAN))
                    .add(FloatVector.fromMemorySegment(F, buffer, p + 3 * stream + vb, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
