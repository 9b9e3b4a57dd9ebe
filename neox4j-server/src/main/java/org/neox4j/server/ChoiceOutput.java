package org.neox4j.server;

import java.util.ArrayList;
import java.util.List;
import org.neox4j.generate.TokenLogprobs;
import org.neox4j.generate.batch.SequenceEnd;
import org.neox4j.tokenizer.Tokenizer;

/** Everything one choice produced, gathered for a non-streamed response. */
final class ChoiceOutput {
    final Prompts.Prompt prompt;
    final List<TokenLogprobs> promptLogprobs = new ArrayList<>();
    final List<TokenLogprobs> logprobs = new ArrayList<>();
    final StringBuilder streamedText = new StringBuilder();
    SequenceEnd end;

    ChoiceOutput(Prompts.Prompt prompt) {
        this.prompt = prompt;
    }

    void accept(GenerationRun.Event event) {
        switch (event) {
            case GenerationRun.PromptLogprobs p -> promptLogprobs.addAll(p.logprobs());
            case GenerationRun.Token t -> {
                if (t.logprobs() != null) {
                    logprobs.add(t.logprobs());
                }
                if (t.token().text() != null) {
                    streamedText.append(t.token().text());
                }
            }
            case GenerationRun.End e -> end = e.end();
        }
    }

    /** The generated text (cut before a stop string). */
    String text() {
        return end != null && end.text() != null ? end.text() : streamedText.toString();
    }

    /** Drains {@code run} into one output per choice; a failed choice is a 500. */
    static List<ChoiceOutput> collect(GenerationRun run, List<Prompts.Prompt> promptOfChoice) throws InterruptedException {
        List<ChoiceOutput> out = new ArrayList<>();
        for (Prompts.Prompt p : promptOfChoice) {
            out.add(new ChoiceOutput(p));
        }
        for (GenerationRun.Event e; (e = run.next()) != null; ) {
            out.get(e.choice()).accept(e);
            if (e instanceof GenerationRun.End end) {
                failIfFailed(end.end());
            }
        }
        return out;
    }

    static void failIfFailed(SequenceEnd end) {
        if (end.outcome() != SequenceEnd.Outcome.FINISHED) {
            throw new ApiException(500, "server_error", null, "generation_failed",
                    "generation " + end.outcome().name().toLowerCase() + (end.error() == null ? "" : ": " + end.error()));
        }
    }

    /** How a token id reads in log-probability listings (its decoded text; the id without a tokenizer). */
    static String tokenText(Tokenizer tokenizer, int id) {
        return tokenizer == null ? Integer.toString(id) : tokenizer.decode(new int[] {id}, false);
    }
}
