package org.neox4j.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Paging advice to the Linux kernel through FFM downcalls: {@code madvise} on mapped memory and
 * {@code posix_fadvise} on files. Advice is best effort: where the calls are unavailable (another
 * OS) or refused, nothing happens and {@link #available()} says so; correctness never depends on
 * them, only how much memory stays resident.
 */
public final class NativeMemory {
    public static final int MADV_SEQUENTIAL = 2;
    public static final int MADV_WILLNEED = 3;
    public static final int MADV_DONTNEED = 4;
    /** Back the range with transparent huge pages where the kernel can. */
    public static final int MADV_HUGEPAGE = 14;
    public static final int POSIX_FADV_WILLNEED = 3;
    public static final int POSIX_FADV_DONTNEED = 4;
    public static final long PAGE = 4096;
    private static final int O_RDONLY = 0;

    private static final MethodHandle MADVISE;
    private static final MethodHandle FADVISE;
    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;

    static {
        MethodHandle madvise = null;
        MethodHandle fadvise = null;
        MethodHandle open = null;
        MethodHandle close = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            fadvise = linker.downcallHandle(libc.find("posix_fadvise").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT));
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        } catch (RuntimeException | LinkageError e) {
            madvise = null; // not Linux, or native access denied: advice becomes a no-op
        }
        MADVISE = madvise;
        FADVISE = madvise == null ? null : fadvise;
        OPEN = madvise == null ? null : open;
        CLOSE = madvise == null ? null : close;
    }

    private NativeMemory() {
    }

    public static boolean available() {
        return MADVISE != null;
    }

    /** {@code madvise} over the whole pages that {@code segment} touches; true when the kernel accepted it. */
    public static boolean madvise(MemorySegment segment, int advice) {
        if (MADVISE == null || segment.byteSize() == 0) {
            return false;
        }
        long start = segment.address() & -PAGE;
        long end = (segment.address() + segment.byteSize() + PAGE - 1) & -PAGE;
        try {
            return (int) MADVISE.invokeExact(MemorySegment.ofAddress(start), end - start, advice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** A read-only descriptor of {@code file} for {@link #fadvise}, or empty when it cannot be opened. */
    public static Optional<Integer> openForAdvice(Path file) {
        if (OPEN == null) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(file.toAbsolutePath().toString()), O_RDONLY);
            return fd < 0 ? Optional.empty() : Optional.of(fd);
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // nothing to do: the descriptor was only for advice
        }
    }

    /** {@code posix_fadvise} on a byte range of an open file; true when the kernel accepted it. */
    public static boolean fadvise(int fd, long offset, long length, int advice) {
        if (FADVISE == null) {
            return false;
        }
        try {
            return (int) FADVISE.invokeExact(fd, offset, length, advice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Reads one byte of every page of {@code segment}, so that all of it is paged in now. */
    public static long touch(MemorySegment segment) {
        long sum = 0;
        for (long off = 0; off < segment.byteSize(); off += PAGE) {
            sum += segment.get(ValueLayout.JAVA_BYTE, off);
        }
        return sum;
    }
}
