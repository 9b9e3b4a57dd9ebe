package org.neox4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pool's loops cover every index exactly once, in contiguous ranges aligned to the grain
 * (at most one per thread), with any number of threads and sizes that do not divide evenly,
 * and pass a task's exception on to the caller; the pool stays usable afterwards.
 */
class WorkerPoolTest {

    @ParameterizedTest(name = "{0} threads, n {1}, grain {2}")
    @CsvSource({"1, 100, 7", "2, 1, 1", "2, 1000, 16", "3, 97, 4", "4, 5, 2", "4, 10000, 3"})
    void everyIndexRunsExactlyOnce(int threads, int n, int grain) {
        try (WorkerPool pool = new WorkerPool(threads)) {
            for (int round = 0; round < 20; round++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                AtomicIntegerArray ranges = new AtomicIntegerArray(1);
                pool.parallelFor(n, grain, (start, end) -> {
                    assertTrue(start % grain == 0 && start < end && end <= n, "range " + start + ".." + end);
                    ranges.incrementAndGet(0);
                    for (int i = start; i < end; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, seen.get(i), "index " + i + " in round " + round);
                }
                assertTrue(ranges.get(0) <= threads, ranges.get(0) + " ranges for " + threads + " threads");
            }
        }
    }

    /**
     * Loops with fewer ranges than threads, alternating with full ones: a worker left out of one
     * loop must not run part of the next before it is published (a race that once ran a cleared
     * task and threw from a worker, or left the caller waiting for good). Each index must run once.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // before the fix this stalled: a worker's count went missing
    void loopsWithFewerRangesThanThreadsNeverLeakIntoTheNextLoop() {
        try (WorkerPool pool = new WorkerPool(8)) { // more threads than cores: workers get descheduled
            int[] loop = new int[1];
            for (int i = 0; i < 30_000; i++) {
                int n = i % 3 == 0 ? 2 : i % 3 == 1 ? 5 : 64;
                loop[0] = i;
                int expected = i;
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                pool.parallelFor(n, 1, (start, end) -> {
                    assertEquals(expected, loop[0], "a range ran outside its own loop");
                    for (int k = start; k < end; k++) {
                        seen.incrementAndGet(k);
                    }
                });
                for (int k = 0; k < n; k++) {
                    assertEquals(1, seen.get(k), "index " + k + " of loop " + i);
                }
            }
        }
    }

    @Test
    void aFailingTaskFailsTheCallAndThePoolGoesOn() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(100, 10, (start, end) -> {
                if (start <= 50 && 50 < end) {
                    throw new IllegalStateException("index 50");
                }
            }));
            assertEquals("index 50", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(1);
            pool.parallelFor(64, 8, (start, end) -> seen.addAndGet(0, end - start));
            assertEquals(64, seen.get(0));
        }
    }
}
