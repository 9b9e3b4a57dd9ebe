package org.neox4j.score.eval;

import java.util.ArrayList;
import java.util.List;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.score.HarnessEncoding;
import org.neox4j.score.Score;
import org.neox4j.score.ScoreRequest;
import org.neox4j.score.Scorer;

/**
 * Zero-shot evaluation as lm-evaluation-harness runs it: every document becomes one or more
 * log-likelihood requests ({@link HarnessEncoding}, {@link Scorer}), and the answers are
 * aggregated into the harness's metrics.
 */
public final class Evaluation {
    private final Scorer scorer;
    private final HarnessEncoding encoding;

    public Evaluation(Scorer scorer, HarnessEncoding encoding) {
        this.scorer = scorer;
        this.encoding = encoding;
    }

    /** {@code lambada_openai}: the target is the last word; correct when greedy decoding gives all its tokens. */
    public LambadaResult lambada(List<LambadaDoc> docs, ProgressListener progress) {
        List<ScoreRequest> requests = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            LambadaDoc d = docs.get(i);
            requests.add(request(d.context(), d.target(), where(d.source(), i)));
        }
        List<Score> scores = scorer.score(requests, progress);
        List<LambadaResult.Item> items = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            items.add(new LambadaResult.Item(docs.get(i), scores.get(i)));
        }
        return new LambadaResult(items);
    }

    /**
     * Multiple choice: each choice is scored as the continuation {@code targetDelimiter + choice}
     * after the context (the harness's default delimiter is one space).
     */
    public MultipleChoiceResult multipleChoice(List<MultipleChoiceDoc> docs, String targetDelimiter, ProgressListener progress) {
        List<ScoreRequest> requests = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            MultipleChoiceDoc d = docs.get(i);
            for (String choice : d.choices()) {
                requests.add(request(d.context(), targetDelimiter + choice, where(d.source(), i)));
            }
        }
        List<Score> scores = scorer.score(requests, progress);
        List<MultipleChoiceResult.Item> items = new ArrayList<>(docs.size());
        int next = 0;
        for (MultipleChoiceDoc d : docs) {
            items.add(new MultipleChoiceResult.Item(d, scores.subList(next, next + d.choices().size())));
            next += d.choices().size();
        }
        return new MultipleChoiceResult(items);
    }

    private ScoreRequest request(String context, String continuation, String where) {
        ScoreRequest r;
        try {
            r = encoding.request(context, continuation);
        } catch (Neox4jException e) {
            throw new Neox4jException(where + ": " + e.getMessage(), e);
        }
        if (r.continuation().length > scorer.maxLength()) {
            throw new Neox4jException(where + ": the continuation has " + r.continuation().length
                    + " tokens, more than the model reads at once (" + scorer.maxLength() + ")");
        }
        return r;
    }

    private static String where(String source, int index) {
        return source != null ? source : "document " + (index + 1);
    }
}
