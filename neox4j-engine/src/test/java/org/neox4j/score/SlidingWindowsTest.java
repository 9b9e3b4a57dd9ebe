package org.neox4j.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neox4j.score.SlidingWindows.Window;

class SlidingWindowsTest {

    @Test
    void windowsOfTheHuggingFaceGuide() {
        // n = 10, window 4, stride 2: windows start at 0, 2, 4, 6; the last reaches the end
        assertEquals(List.of(new Window(0, 4, 1), new Window(2, 6, 4), new Window(4, 8, 6), new Window(6, 10, 8)),
                SlidingWindows.plan(10, 4, 2));
        // a text shorter than the window: one pass
        assertEquals(List.of(new Window(0, 3, 1)), SlidingWindows.plan(3, 8, 4));
        // stride = window: disjoint windows; a window's first token has no history and is not scored
        assertEquals(List.of(new Window(0, 3, 1), new Window(3, 6, 4), new Window(6, 7, 7)), SlidingWindows.plan(7, 3, 3));
    }

    @Test
    void everyTokenWithHistoryIsScoredOnceWithAtMostContextMinusOneTokensBeforeIt() {
        for (int n = 1; n <= 40; n++) {
            for (int context = 2; context <= 12; context++) {
                for (int stride = 1; stride <= context; stride++) {
                    int[] times = new int[n];
                    for (Window w : SlidingWindows.plan(n, context, stride)) {
                        assertTrue(w.end() - w.begin() <= context);
                        for (int t = w.firstTarget(); t < w.end(); t++) {
                            times[t]++;
                            int history = t - w.begin();
                            assertTrue(history >= 1 && history <= context - 1);
                            // overlapping windows give each token at least context - stride tokens of history
                            assertTrue(history >= Math.min(t, context - stride) || stride == context);
                        }
                    }
                    for (int t = 1; t < n; t++) {
                        boolean opensWindow = stride == context && t % context == 0;
                        assertEquals(opensWindow ? 0 : 1, times[t], "n=" + n + " context=" + context + " stride=" + stride + " t=" + t);
                    }
                }
            }
        }
    }

    @Test
    void invalidWindowsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SlidingWindows.plan(10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindows.plan(10, 4, 5));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindows.plan(10, 4, 0));
    }
}
