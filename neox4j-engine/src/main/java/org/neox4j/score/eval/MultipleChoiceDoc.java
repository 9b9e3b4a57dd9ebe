package org.neox4j.score.eval;

import java.util.List;

/**
 * One multiple-choice question (PIQA, ARC, SciQ style): the continuations are
 * {@code delimiter + choice} after {@code context}.
 *
 * @param context the question as the model sees it (may be empty)
 * @param choices two or more non-empty answers
 * @param gold index of the right answer
 * @param source where it came from, for error messages ({@code file.jsonl:12}), or null
 */
public record MultipleChoiceDoc(String context, List<String> choices, int gold, String source) {
    public MultipleChoiceDoc {
        if (context == null || choices == null) {
            throw new IllegalArgumentException("context and choices must be given");
        }
        choices = List.copyOf(choices);
        if (choices.size() < 2) {
            throw new IllegalArgumentException("a multiple-choice question needs at least 2 choices, got " + choices.size());
        }
        for (int i = 0; i < choices.size(); i++) {
            if (choices.get(i).isEmpty()) {
                throw new IllegalArgumentException("choice " + i + " is empty");
            }
        }
        if (gold < 0 || gold >= choices.size()) {
            throw new IllegalArgumentException("gold index " + gold + " is out of range for " + choices.size()
                    + " choices (0.." + (choices.size() - 1) + ")");
        }
    }

    public MultipleChoiceDoc(String context, List<String> choices, int gold) {
        this(context, choices, gold, null);
    }
}
