package org.neox4j.model;

/** How a model's weights occupy memory (see docs/MEMORY.md). */
public enum MemoryMode {
    /** Memory-mapped; the OS pages weights in on first use and out under pressure (the default). */
    MMAP,
    /** Copied into RAM when loading; refused up front when the machine does not have the memory. */
    RESIDENT,
    /** Memory-mapped, but read layer by layer ahead of the computation and released behind it, under a budget. */
    STREAM;

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
