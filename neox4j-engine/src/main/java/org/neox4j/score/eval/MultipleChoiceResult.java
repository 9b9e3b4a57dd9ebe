package org.neox4j.score.eval;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.neox4j.score.Score;

/**
 * Multiple-choice metrics as lm-evaluation-harness computes them ({@code ConfigurableTask.process_results}):
 * the prediction is the choice of highest log-likelihood ({@code acc}), of highest log-likelihood per
 * character of the choice ({@code acc_norm}: Python's {@code len(choice)}, code points), or per UTF-8
 * byte ({@code acc_bytes}). The choice is measured without the delimiter. On ties the first wins.
 */
public record MultipleChoiceResult(List<Item> items) {

    /** One question with the score of each of its continuations. */
    public record Item(MultipleChoiceDoc doc, List<Score> scores) {
        public Item {
            scores = List.copyOf(scores);
        }

        public double[] logprobs() {
            return scores.stream().mapToDouble(Score::logprob).toArray();
        }

        public int prediction() {
            return Stats.argmax(logprobs());
        }

        /** The prediction normalised by the choices' lengths in characters (code points). */
        public int predictionNorm() {
            double[] ll = logprobs();
            for (int i = 0; i < ll.length; i++) {
                String choice = doc.choices().get(i);
                ll[i] /= choice.codePointCount(0, choice.length());
            }
            return Stats.argmax(ll);
        }

        /** The prediction normalised by the choices' lengths in UTF-8 bytes. */
        public int predictionBytes() {
            double[] ll = logprobs();
            for (int i = 0; i < ll.length; i++) {
                ll[i] /= doc.choices().get(i).getBytes(StandardCharsets.UTF_8).length;
            }
            return Stats.argmax(ll);
        }
    }

    public MultipleChoiceResult {
        items = List.copyOf(items);
    }

    public double accuracy() {
        return Stats.mean(items, i -> i.prediction() == i.doc().gold() ? 1 : 0);
    }

    public double accuracyStderr() {
        return Stats.meanStderr(items, i -> i.prediction() == i.doc().gold() ? 1 : 0);
    }

    /** The harness's {@code acc_norm}. */
    public double accuracyNorm() {
        return Stats.mean(items, i -> i.predictionNorm() == i.doc().gold() ? 1 : 0);
    }

    public double accuracyNormStderr() {
        return Stats.meanStderr(items, i -> i.predictionNorm() == i.doc().gold() ? 1 : 0);
    }

    /** The harness's {@code acc_bytes}. */
    public double accuracyBytes() {
        return Stats.mean(items, i -> i.predictionBytes() == i.doc().gold() ? 1 : 0);
    }

    public double accuracyBytesStderr() {
        return Stats.meanStderr(items, i -> i.predictionBytes() == i.doc().gold() ? 1 : 0);
    }
}
