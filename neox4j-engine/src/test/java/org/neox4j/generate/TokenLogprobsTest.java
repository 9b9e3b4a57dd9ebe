package org.neox4j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TokenLogprobsTest {

    @Test
    void logSoftmaxAndTopAlternatives() {
        float[] logits = {9f, 1f, 3f, 2f, 3f, 0f};
        TokenLogprobs lp = TokenLogprobs.of(logits, 1, 4, 1, 3); // the window {1, 3, 2, 3}
        double logZ = Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(3));
        assertEquals(3 - logZ, lp.logprob(), 1e-6);
        assertArrayEquals(new int[] {1, 3, 2}, lp.topIds(), "ties keep the lower id first");
        assertEquals(3 - logZ, lp.topLogprobs()[0], 1e-6);
        assertEquals(2 - logZ, lp.topLogprobs()[2], 1e-6);
        assertEquals(0, TokenLogprobs.of(logits, 0, 6, 0, 0).topIds().length);
    }
}
