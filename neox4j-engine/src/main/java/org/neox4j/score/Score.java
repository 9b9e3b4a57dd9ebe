package org.neox4j.score;

import java.util.List;

/**
 * The answer to a {@link ScoreRequest}: the harness's {@code (loglikelihood, is_greedy)} pair
 * with its per-token detail.
 *
 * @param request what was scored
 * @param tokens one entry per continuation token, in order
 * @param truncatedTokens context tokens dropped from the left because context and continuation did
 *     not fit in the model's input (0 normally)
 */
public record Score(ScoreRequest request, List<TokenScore> tokens, int truncatedTokens) {
    public Score {
        tokens = List.copyOf(tokens);
    }

    /** Log-probability of the whole continuation: the sum over its tokens. */
    public double logprob() {
        double sum = 0;
        for (TokenScore t : tokens) {
            sum += t.logprob();
        }
        return sum;
    }

    /** Whether every continuation token is the greedy (argmax) choice: greedy decoding would produce it. */
    public boolean greedy() {
        return tokens.stream().allMatch(TokenScore::greedy);
    }
}
