package org.neox4j.score.eval;

import java.util.List;
import org.neox4j.score.Score;

/**
 * LAMBADA metrics as {@code lambada_openai} reports them.
 *
 * @param items each passage with the score of its target word
 */
public record LambadaResult(List<Item> items) {

    /** One passage: the target's log-likelihood and whether greedy decoding would produce it. */
    public record Item(LambadaDoc doc, Score score) {
        public boolean correct() {
            return score.greedy();
        }
    }

    public LambadaResult {
        items = List.copyOf(items);
    }

    /** Fraction of passages whose every target token is the greedy choice. */
    public double accuracy() {
        return Stats.mean(items, i -> i.correct() ? 1 : 0);
    }

    public double accuracyStderr() {
        return Stats.meanStderr(items, i -> i.correct() ? 1 : 0);
    }

    /** The harness's {@code perplexity} aggregation: exp(−mean over passages of the target's log-likelihood). */
    public double perplexity() {
        return Math.exp(-Stats.mean(items, i -> i.score().logprob()));
    }
}
