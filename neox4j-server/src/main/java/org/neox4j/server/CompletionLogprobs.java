package org.neox4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.neox4j.generate.TokenLogprobs;
import org.neox4j.tokenizer.Tokenizer;

/**
 * The legacy completions {@code logprobs} object: parallel lists {@code tokens},
 * {@code token_logprobs}, {@code top_logprobs} (token text → log-probability) and
 * {@code text_offset} (character offset of each token in prompt + completion).
 */
final class CompletionLogprobs {
    private final Tokenizer tokenizer;
    private final ArrayNode tokens = Json.array();
    private final ArrayNode tokenLogprobs = Json.array();
    private final ArrayNode topLogprobs = Json.array();
    private final ArrayNode textOffset = Json.array();
    private int offset;

    CompletionLogprobs(Tokenizer tokenizer, int startOffset) {
        this.tokenizer = tokenizer;
        this.offset = startOffset;
    }

    /** A token without a log-probability (the first prompt token, which nothing predicts). */
    void addUnscored(int id) {
        String text = ChoiceOutput.tokenText(tokenizer, id);
        tokens.add(text);
        tokenLogprobs.addNull();
        topLogprobs.addNull();
        advance(text);
    }

    void add(TokenLogprobs lp) {
        String text = ChoiceOutput.tokenText(tokenizer, lp.id());
        tokens.add(text);
        tokenLogprobs.add(lp.logprob());
        ObjectNode top = Json.object();
        for (int i = 0; i < lp.topIds().length; i++) {
            String alt = ChoiceOutput.tokenText(tokenizer, lp.topIds()[i]);
            if (!top.has(alt)) {
                top.put(alt, lp.topLogprobs()[i]);
            }
        }
        topLogprobs.add(top);
        advance(text);
    }

    private void advance(String text) {
        textOffset.add(offset);
        offset += text.length();
    }

    /** Log-probabilities of an echoed prompt: none for its first token. */
    void addPrompt(int[] ids, java.util.List<TokenLogprobs> scored) {
        addUnscored(ids[0]);
        for (TokenLogprobs lp : scored) {
            add(lp);
        }
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.set("tokens", tokens);
        o.set("token_logprobs", tokenLogprobs);
        o.set("top_logprobs", topLogprobs);
        o.set("text_offset", textOffset);
        return o;
    }
}
