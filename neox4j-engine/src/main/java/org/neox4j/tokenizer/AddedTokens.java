package org.neox4j.tokenizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in text the way the reference library does: tokens with
 * {@code normalized: false} (the special tokens such as {@code <|endoftext|>}) in the raw input,
 * then, after normalization, tokens with {@code normalized: true} (GPT-NeoX's runs of 2 to 24
 * spaces) in the normalized pieces between them; both leftmost-longest.
 */
final class AddedTokens {
    private final TokenTrie raw;
    private final TokenTrie normalized;

    /**
     * @param tokens the added tokens in file order
     * @param nfc whether the tokenizer normalizes with NFC (the normalized tokens' contents are
     *     normalized too, so that they match normalized text)
     */
    AddedTokens(List<AddedToken> tokens, boolean nfc) {
        Map<String, Integer> rawTokens = new LinkedHashMap<>();
        Map<String, Integer> normalizedTokens = new LinkedHashMap<>();
        for (AddedToken token : tokens) {
            if (token.normalized()) {
                normalizedTokens.put(nfc ? Nfc.normalize(token.content()) : token.content(), token.id());
            } else {
                rawTokens.put(token.content(), token.id());
            }
        }
        raw = new TokenTrie(rawTokens);
        normalized = new TokenTrie(normalizedTokens);
    }

    /** Tokens matched on the raw input. */
    TokenTrie raw() {
        return raw;
    }

    /** Tokens matched on the normalized text. */
    TokenTrie normalized() {
        return normalized;
    }
}
