package org.neox4j.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Memory figures of the machine ({@code /proc/meminfo}) and of this process ({@code /proc/self/status}), in bytes. */
public final class MemoryInfo {
    private MemoryInfo() {
    }

    /** MemAvailable: what can be allocated without swapping, page cache included. */
    public static OptionalLong available() {
        return field(Path.of("/proc/meminfo"), "MemAvailable:");
    }

    /** VmRSS: resident memory of this process now (anonymous + file-backed + shared). */
    public static OptionalLong residentNow() {
        return field(Path.of("/proc/self/status"), "VmRSS:");
    }

    /** VmHWM: the peak of VmRSS so far. */
    public static OptionalLong residentPeak() {
        return field(Path.of("/proc/self/status"), "VmHWM:");
    }

    /** RssFile: resident pages of mapped files (the weights, when memory-mapped). */
    public static OptionalLong residentFile() {
        return field(Path.of("/proc/self/status"), "RssFile:");
    }

    private static OptionalLong field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return OptionalLong.empty();
    }
}
