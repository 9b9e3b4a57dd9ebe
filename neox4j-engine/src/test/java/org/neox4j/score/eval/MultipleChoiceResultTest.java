package org.neox4j.score.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neox4j.score.Score;
import org.neox4j.score.ScoreRequest;
import org.neox4j.score.TokenScore;

/** The harness's normalisations, on made-up log-likelihoods. */
class MultipleChoiceResultTest {

    static Score score(double logprob) {
        return new Score(new ScoreRequest(new int[] {1}, new int[] {2}), List.of(new TokenScore(2, logprob, false, List.of())), 0);
    }

    @Test
    void accNormCountsCodePointsLikePythonsLen() {
        // "😀": 1 code point (Python len), 2 UTF-16 units, 4 UTF-8 bytes; "ab": 2 of each
        MultipleChoiceDoc doc = new MultipleChoiceDoc("q", List.of("😀", "ab"), 1);
        MultipleChoiceResult.Item item = new MultipleChoiceResult.Item(doc, List.of(score(-3), score(-4)));
        assertEquals(0, item.prediction(), "-3 > -4");
        assertEquals(1, item.predictionNorm(), "-3/1 < -4/2");
        assertEquals(0, item.predictionBytes(), "-3/4 > -4/2");
        MultipleChoiceResult r = new MultipleChoiceResult(List.of(item));
        assertEquals(0.0, r.accuracy());
        assertEquals(1.0, r.accuracyNorm());
        assertEquals(0.0, r.accuracyBytes());
        assertEquals(Double.NaN, r.accuracyStderr(), "no standard error from one question");
    }

    @Test
    void tiesGoToTheFirstChoiceLikeNumpyArgmax() {
        MultipleChoiceDoc doc = new MultipleChoiceDoc("q", List.of("ab", "cd", "e"), 1);
        MultipleChoiceResult.Item item = new MultipleChoiceResult.Item(doc, List.of(score(-2), score(-2), score(-1)));
        assertEquals(2, item.prediction());
        assertEquals(0, item.predictionNorm(), "-1, -1, -1: the first");
    }
}
