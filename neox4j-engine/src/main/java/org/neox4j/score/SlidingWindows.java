package org.neox4j.score;

import java.util.ArrayList;
import java.util.List;

/**
 * The windows of the sliding-window perplexity in Hugging Face's guide "Perplexity of fixed-length
 * models": windows of up to {@code context} tokens start every {@code stride} tokens; each window
 * scores the tokens that no earlier window scored, so every token is scored once, with the tokens
 * before it in its window as history (at most {@code context - 1} of them).
 *
 * <pre>
 * for begin in 0, stride, 2·stride, ...:
 *     end = min(begin + context, n); targets = [max(prev_end, begin + 1), end); prev_end = end
 *     stop after the window that reaches n
 * </pre>
 *
 * A token has no prediction when it opens its window (position 0 of the text, and each window's
 * first token when {@code stride == context}); as in the guide it is not scored.
 */
public final class SlidingWindows {
    private SlidingWindows() {
    }

    /**
     * One forward pass over {@code tokens[begin, end)}, scoring positions {@code [firstTarget, end)}.
     */
    public record Window(int begin, int end, int firstTarget) {
        /** Tokens this window scores. */
        public int targets() {
            return end - firstTarget;
        }
    }

    public static List<Window> plan(int length, int context, int stride) {
        if (context < 2) {
            throw new IllegalArgumentException("the perplexity window must hold at least 2 tokens, got " + context);
        }
        if (stride < 1 || stride > context) {
            throw new IllegalArgumentException("the stride must be between 1 and the window size " + context + ", got " + stride);
        }
        List<Window> windows = new ArrayList<>();
        int prevEnd = 0;
        for (int begin = 0; begin < length; begin += stride) {
            int end = Math.min(begin + context, length);
            windows.add(new Window(begin, end, Math.max(prevEnd, begin + 1)));
            prevEnd = end;
            if (end == length) {
                break;
            }
        }
        return windows;
    }
}
