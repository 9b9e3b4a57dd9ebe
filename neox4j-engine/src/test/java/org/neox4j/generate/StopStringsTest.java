package org.neox4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {
    @Test
    void holdsBackPossiblePrefixesAndCutsAtTheStop() {
        StopStrings s = new StopStrings(List.of("\n\n", "END"));
        assertEquals("Hello", s.push("Hello\n"));
        assertEquals("\nworld", s.push("world"));
        assertEquals("", s.push("EN"));
        assertEquals("", s.push("D and more"));
        assertTrue(s.stopped());
        assertEquals("", s.flush());
    }

    @Test
    void releasesHeldTextWhenItDoesNotBecomeAStop() {
        StopStrings s = new StopStrings(List.of("END"));
        assertEquals("a", s.push("aE"));
        assertEquals("End", s.push("nd"));
        assertEquals("", s.push("EN"));
        assertFalse(s.stopped());
        assertEquals("EN", s.flush());
    }

    @Test
    void withoutStopStringsEverythingPassesThrough() {
        StopStrings s = new StopStrings(List.of());
        assertEquals("abc", s.push("abc"));
        assertEquals("", s.flush());
    }
}
