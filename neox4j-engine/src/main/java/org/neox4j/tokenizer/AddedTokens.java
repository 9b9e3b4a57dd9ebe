package org.neox4j.tokenizer;

import java.util.List;

/**
 * Finds added tokens in text the way the reference library does: tokens with
 * {@code normalized: false} (the special tokens such as {@code <|endoftext|>}) in the raw input,
 * then, after normalization, tokens with {@code normalized: true} (GPT-NeoX's runs of 2 to 24
 * spaces) in the normalized pieces between them; both leftmost-longest.
 */
final class AddedTokens {
    private final TokenTrie raw = new TokenTrie();
    private final TokenTrie normalized = new TokenTrie();

    /**
     * @param tokens the added tokens in file order
     * @param nfc whether the tokenizer normalizes with NFC (the normalized tokens' contents are
     *     normalized too, so that they match normalized text)
     */
    AddedTokens(List<AddedToken> tokens, boolean nfc) {
        for (AddedToken token : tokens) {
            if (token.normalized()) {
                normalized.add(nfc ? Nfc.normalize(token.content()) : token.content(), token.id());
            } else {
                raw.add(token.content(), token.id());
            }
        }
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
