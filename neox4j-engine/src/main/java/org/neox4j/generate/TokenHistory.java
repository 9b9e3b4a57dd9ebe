package org.neox4j.generate;

/**
 * The tokens a sequence has seen, as the penalties need them: whether each id occurs in the
 * prompt or the output (repetition penalty), and how often it occurs in the output (presence and
 * frequency penalties, which follow OpenAI and vLLM in counting generated tokens only).
 */
public final class TokenHistory {
    private final boolean[] seen;
    private final int[] outputCounts;

    public TokenHistory(int vocabSize) {
        this.seen = new boolean[vocabSize];
        this.outputCounts = new int[vocabSize];
    }

    /** Records a prompt token. */
    public void addPrompt(int id) {
        seen[id] = true;
    }

    /** Records a generated token. */
    public void addOutput(int id) {
        seen[id] = true;
        outputCounts[id]++;
    }

    /** Whether {@code id} occurs in the prompt or output, per id. */
    boolean[] seen() {
        return seen;
    }

    /** Occurrences of each id in the output. */
    int[] outputCounts() {
        return outputCounts;
    }
}
