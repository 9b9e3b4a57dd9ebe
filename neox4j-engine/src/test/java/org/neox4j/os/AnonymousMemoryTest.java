package org.neox4j.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Anonymous mappings come zeroed, hold what is written, are as large as asked, and go with their arena. */
class AnonymousMemoryTest {

    @Test
    void zeroedWritableAndFreedWithTheArena() {
        long bytes = (8L << 20) + 12345; // not a whole number of pages or huge pages
        MemorySegment segment;
        try (Arena arena = Arena.ofShared()) {
            segment = AnonymousMemory.allocate(arena, bytes);
            assertEquals(bytes, segment.byteSize());
            for (long off = 0; off < bytes; off += 4093) {
                assertEquals(0, segment.get(ValueLayout.JAVA_BYTE, off));
                segment.set(ValueLayout.JAVA_BYTE, off, (byte) off);
            }
            segment.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 7);
            for (long off = 0; off < bytes; off += 4093) {
                assertEquals((byte) off, segment.get(ValueLayout.JAVA_BYTE, off));
            }
            assertEquals(7, segment.get(ValueLayout.JAVA_BYTE, bytes - 1));
            assertThrows(IndexOutOfBoundsException.class, () -> segment.get(ValueLayout.JAVA_BYTE, bytes));
            MemorySegment small = AnonymousMemory.allocate(arena, 100); // below the threshold: the arena's own memory
            assertEquals(100, small.byteSize());
            assertEquals(0, small.get(ValueLayout.JAVA_BYTE, 99));
        }
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
    }
}
