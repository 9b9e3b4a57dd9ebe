package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.neox4j.testing.Golden;

/**
 * The loaded GPT-NeoX-20B tokenizer, with its word cache filled, must stay under 50 MB of heap.
 * Measured as the growth of the used heap after full collections (the test JVM runs the Parallel
 * collector, whose {@code System.gc()} is a full, stop-the-world collection).
 */
class TokenizerMemoryTest {
    private static final long LIMIT = 50L << 20;

    @Test
    void loadedTokenizerStaysUnder50Megabytes() {
        long before = usedHeapAfterGc();
        Tokenizer tokenizer = Tokenizer.load(Golden.tokenizerJson());
        long loaded = usedHeapAfterGc() - before;
        fillWordCache(tokenizer);
        long retained = usedHeapAfterGc() - before;
        assertTrue(tokenizer.cachedWords() > 60_000, "the word cache should be nearly full (the worst case)");
        // A lower bound shows the measurement sees the tokenizer at all (50k token strings alone are megabytes).
        assertTrue(retained > (2L << 20), "implausibly small measurement: " + retained + " bytes");
        assertTrue(retained < LIMIT, "tokenizer retains " + (retained >> 20) + " MB of heap, limit 50 MB");
        System.out.printf("tokenizer heap: %.1f MB loaded, %.1f MB with %d cached words%n",
                loaded / 1e6, retained / 1e6, tokenizer.cachedWords());
        assertTrue(tokenizer.size() > 0); // keeps the tokenizer reachable until after the measurement
    }

    /** Encodes about 65,000 distinct words, just under what the word cache holds before starting over. */
    private static void fillWordCache(Tokenizer tokenizer) {
        Random random = new Random(1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 65_000; i++) {
            int length = 4 + random.nextInt(7);
            text.append(' ');
            for (int j = 0; j < length; j++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
        }
        tokenizer.encode(text.toString());
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
