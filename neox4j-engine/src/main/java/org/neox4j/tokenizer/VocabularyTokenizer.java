package org.neox4j.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Tokenizer} from a {@link BpeVocabulary}: the BPE vocabulary is every
 * {@link TokenKind#NORMAL} and {@link TokenKind#SPECIAL} token, special tokens are matched in the
 * raw text and the other added tokens in the normalized text, as {@code tokenizer.json}'s
 * {@code normalized: false} and {@code true} are for GPT-NeoX.
 */
final class VocabularyTokenizer {
    private VocabularyTokenizer() {
    }

    static Tokenizer build(BpeVocabulary v, String source) {
        int n = v.size();
        String[] tokens = new String[n];
        boolean[] special = new boolean[n];
        Map<String, Integer> vocabulary = new HashMap<>(n * 2);
        Map<String, Integer> ids = new HashMap<>(n * 2);
        List<AddedToken> added = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            TokenKind kind = v.kinds().get(id);
            String token = v.tokens().get(id);
            if (kind == TokenKind.UNUSED) {
                continue;
            }
            if (token == null || token.isEmpty()) {
                throw new TokenizerException(source + ": token " + id + " is empty");
            }
            tokens[id] = token;
            Integer previous = ids.put(token, id);
            if (previous != null) {
                throw new TokenizerException(source + ": token '" + token + "' is listed twice (ids " + previous + " and " + id + ")");
            }
            switch (kind) {
                case NORMAL -> vocabulary.put(token, id);
                case SPECIAL -> {
                    vocabulary.put(token, id);
                    special[id] = true;
                    added.add(new AddedToken(id, token, true, false));
                }
                case ADDED -> added.add(new AddedToken(id, token, false, true));
                case UNUSED -> throw new AssertionError();
            }
        }
        List<String[]> pairs = new ArrayList<>(v.merges().size());
        for (int rank = 0; rank < v.merges().size(); rank++) {
            String merge = v.merges().get(rank);
            // llama.cpp splits at the first space after the first character.
            int space = merge.indexOf(' ', 1);
            if (space < 0 || space == merge.length() - 1) {
                throw new TokenizerException(source + ": merge " + rank + " \"" + merge + "\" must be two tokens separated by a space");
            }
            pairs.add(new String[] {merge.substring(0, space), merge.substring(space + 1)});
        }
        BpeModel model = BpeModel.of(vocabulary, pairs, source, "merges", "the token list");
        return new Tokenizer(source, tokens, special, ids, v.nfc(), new AddedTokens(added, v.nfc()), model.bpe(), v);
    }
}
