package org.neox4j.server;

import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.batch.BatchScheduler;
import org.neox4j.tokenizer.Tokenizer;

/**
 * The model behind the server and the scheduler that runs it.
 *
 * @param name the id clients use in {@code "model"}
 */
public record ServedModel(String name, LanguageModel model, BatchScheduler scheduler) {

    /** Positions a sequence may use (prompt plus generated tokens). */
    public int context() {
        return scheduler.options().context();
    }

    /** The tokenizer, or null (then only token-id prompts work). */
    public Tokenizer tokenizer() {
        return model.tokenizer().orElse(null);
    }

    public int vocabSize() {
        return model.config().vocabSize();
    }

    /** 404 unless the request names this model (or none: the one model served). */
    void checkModel(String requested) {
        if (requested != null && !requested.equals(name)) {
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "The model '" + requested + "' does not exist; this server serves '" + name + "'");
        }
    }

    /** 400 when the prompt and the token limit do not fit the context. */
    void checkLength(int promptTokens, int maxTokens, String promptParam) {
        if (promptTokens >= context() && maxTokens > 0 || promptTokens > context()) {
            throw new ApiException(400, "invalid_request_error", promptParam, "context_length_exceeded",
                    "This model's maximum context length is " + context() + " tokens; the prompt has " + promptTokens + " tokens");
        }
        if ((long) promptTokens + maxTokens > context()) {
            throw new ApiException(400, "invalid_request_error", "max_tokens", "context_length_exceeded",
                    "This model's maximum context length is " + context() + " tokens. However, you requested "
                            + ((long) promptTokens + maxTokens) + " tokens (" + promptTokens + " in the prompt, " + maxTokens
                            + " for the completion). Please reduce the prompt or max_tokens.");
        }
    }
}
