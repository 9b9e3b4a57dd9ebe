package org.neox4j.format;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A file mapped whole into memory: lets memory policies turn a tensor's address back into a file range. */
public record MappedFile(Path path, MemorySegment mapping) {

    /** Whether {@code segment} lies inside this mapping. */
    public boolean contains(MemorySegment segment) {
        long start = mapping.address();
        return segment.address() >= start && segment.address() + segment.byteSize() <= start + mapping.byteSize();
    }

    /** The file offset of {@code segment}, which must lie inside this mapping. */
    public long offsetOf(MemorySegment segment) {
        return segment.address() - mapping.address();
    }
}
