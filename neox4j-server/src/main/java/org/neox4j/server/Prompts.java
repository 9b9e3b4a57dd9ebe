package org.neox4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.neox4j.tokenizer.Tokenizer;

/** Prompts (or embedding inputs) as OpenAI accepts them: a string, a list of strings, a list of ids, or a list of id lists. */
final class Prompts {
    static final int MAX_PROMPTS = 64;

    /** One prompt as token ids, with its text (decoded when given as ids; empty without a tokenizer). */
    record Prompt(int[] ids, String text) {
    }

    private Prompts() {
    }

    static List<Prompt> read(JsonNode value, String param, Tokenizer tokenizer, int vocabSize) {
        List<Prompt> out = new ArrayList<>();
        if (value.isTextual()) {
            out.add(fromText(value.asText(), param, tokenizer));
        } else if (value.isArray() && !value.isEmpty() && value.get(0).isIntegralNumber()) {
            out.add(fromIds(value, param, tokenizer, vocabSize));
        } else if (value.isArray() && !value.isEmpty()) {
            for (JsonNode item : value) {
                if (item.isTextual()) {
                    out.add(fromText(item.asText(), param, tokenizer));
                } else if (item.isArray()) {
                    out.add(fromIds(item, param, tokenizer, vocabSize));
                } else {
                    throw shape(param);
                }
            }
        } else {
            throw shape(param);
        }
        if (out.size() > MAX_PROMPTS) {
            throw ApiException.invalid(param, "at most " + MAX_PROMPTS + " prompts per request, got " + out.size());
        }
        return out;
    }

    private static ApiException shape(String param) {
        return ApiException.invalid(param, "'" + param + "' must be a string, a list of strings, a list of token ids"
                + " or a list of token id lists (not empty)");
    }

    private static Prompt fromText(String text, String param, Tokenizer tokenizer) {
        if (tokenizer == null) {
            throw ApiException.invalid(param, "this model has no tokenizer.json: send token ids instead of text");
        }
        int[] ids = tokenizer.encode(text);
        if (ids.length == 0) {
            throw ApiException.invalid(param, "'" + param + "' must not be empty");
        }
        return new Prompt(ids, text);
    }

    private static Prompt fromIds(JsonNode array, String param, Tokenizer tokenizer, int vocabSize) {
        if (array.isEmpty()) {
            throw ApiException.invalid(param, "'" + param + "' must not be an empty list of token ids");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0 || t.asInt() >= vocabSize) {
                throw ApiException.invalid(param, "token ids must be integers in [0, " + vocabSize + "), got " + t);
            }
            ids[i] = t.asInt();
        }
        return new Prompt(ids, tokenizer == null ? "" : tokenizer.decode(ids, false));
    }
}
