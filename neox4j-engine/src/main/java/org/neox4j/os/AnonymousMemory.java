package org.neox4j.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large off-heap buffers for weights copied into RAM, mapped anonymously ({@code mmap}) instead of
 * allocated by {@link Arena#allocate}: the kernel hands out zero pages on first touch, so there is
 * no separate zero-filling pass over gigabytes that are about to be overwritten anyway (copying
 * 11 GB of 20B Q4_0 weights spent most of its time in that pass), and the region is advised to use
 * transparent huge pages (2 MiB), which cuts page faults and TLB misses 512-fold when the kernel
 * grants them. Where the calls are unavailable (not Linux) or fail, {@link #allocate} falls back
 * to the arena. The mapping is unmapped when the arena closes.
 */
public final class AnonymousMemory {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    /** Below this, the arena's allocator is as good. */
    private static final long MIN_BYTES = 1L << 20;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG));
            munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        } catch (RuntimeException | LinkageError e) {
            mmap = null; // not Linux, or native access denied: the arena allocates instead
        }
        MMAP = mmap;
        MUNMAP = mmap == null ? null : munmap;
    }

    private AnonymousMemory() {
    }

    /** {@code bytes} of zeroed memory, page aligned, living as long as {@code arena}. */
    public static MemorySegment allocate(Arena arena, long bytes) {
        if (MMAP == null || bytes < MIN_BYTES || !System.getProperty("os.name", "").startsWith("Linux")) {
            return arena.allocate(bytes, 64);
        }
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            return arena.allocate(bytes, 64);
        }
        if (address.address() == -1L || address.address() == 0L) { // MAP_FAILED
            return arena.allocate(bytes, 64);
        }
        long start = address.address();
        MemorySegment mapped = address.reinterpret(bytes, arena, segment -> unmap(start, bytes));
        NativeMemory.madvise(mapped, NativeMemory.MADV_HUGEPAGE); // advice only: without huge pages it is still correct
        return mapped;
    }

    private static void unmap(long start, long bytes) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(start), bytes);
        } catch (Throwable t) {
            // the process keeps the mapping until it exits
        }
    }
}
