package org.neox4j.score;

import java.util.List;

/**
 * The model's verdict on one continuation token.
 *
 * @param token the token scored
 * @param logprob its natural-log probability given everything before it
 * @param greedy whether it is the most likely token there (argmax of the logits, first on ties)
 * @param top the most likely tokens at that position, most likely first ({@link ScoreOptions#topK()} of them)
 */
public record TokenScore(int token, double logprob, boolean greedy, List<Alternative> top) {

    /** A candidate token and its log-probability. */
    public record Alternative(int token, double logprob) {
    }

    public TokenScore {
        top = List.copyOf(top);
    }
}
