package org.neox4j.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything that defines a byte-level BPE tokenizer, as plain lists: the token string and kind
 * of every id, the merges in rank order ({@code "left right"}), and whether text is NFC-normalized.
 * It is what a GGUF file stores instead of a {@code tokenizer.json}; {@link Tokenizer#fromVocabulary}
 * builds the same tokenizer from it, and {@link Tokenizer#vocabulary()} gives it back.
 *
 * @param tokens the token string of each id; null for {@link TokenKind#UNUSED} ids
 */
public record BpeVocabulary(List<String> tokens, List<TokenKind> kinds, List<String> merges, boolean nfc) {
    public BpeVocabulary {
        if (tokens.size() != kinds.size()) {
            throw new IllegalArgumentException(tokens.size() + " tokens but " + kinds.size() + " token kinds");
        }
        tokens = Collections.unmodifiableList(new ArrayList<>(tokens));
        kinds = List.copyOf(kinds);
        merges = List.copyOf(merges);
    }

    public int size() {
        return tokens.size();
    }
}
