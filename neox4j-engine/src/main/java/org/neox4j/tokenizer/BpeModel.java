package org.neox4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code model} section of a tokenizer file: a BPE vocabulary and merges, read with the
 * reference library's rules (each merge's two parts and their concatenation must be in the
 * vocabulary; merges may be written {@code "a b"} or {@code ["a", "b"]}). Options that change
 * tokenization and that neox4j does not implement are refused by name.
 *
 * @param vocabulary token string to id
 * @param maxId the largest id in the vocabulary
 * @param merges the merges in rank order, as {@code "left right"}
 * @param bpe the model ready to encode
 */
record BpeModel(Map<String, Integer> vocabulary, int maxId, java.util.List<String> merges, Bpe bpe) {
    private static final int MAX_ID = 1 << 24;

    static BpeModel read(JsonNode model, String source) {
        Json.requireObject(model, "model", source);
        JsonNode type = model.get("type");
        if (type != null && !"BPE".equals(type.asText(null))) {
            throw new TokenizerException(source + ": model type '" + type.asText(type.toString())
                    + "' is not supported (neox4j implements BPE)");
        }
        Json.allowOnly(model, "model BPE", source, "type", "dropout", "unk_token", "continuing_subword_prefix",
                "end_of_word_suffix", "fuse_unk", "byte_fallback", "ignore_merges", "vocab", "merges");
        for (String option : new String[] {"dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix"}) {
            JsonNode value = model.get(option);
            if (value != null && !value.isNull()) {
                throw new TokenizerException(source + ": model BPE option " + option + " = " + value
                        + " is not supported (neox4j needs null)");
            }
        }
        Json.flag(model, "fuse_unk", false, "model", source); // only acts on unknown tokens, which need unk_token
        for (String option : new String[] {"byte_fallback", "ignore_merges"}) {
            if (Json.flag(model, option, false, "model", source)) {
                throw new TokenizerException(source + ": model BPE option " + option + " = true is not supported");
            }
        }
        Map<String, Integer> vocabulary = readVocabulary(model.get("vocab"), source);
        java.util.List<String[]> pairs = readMerges(model.get("merges"), source);
        return of(vocabulary, pairs, source, "model.merges", "model.vocab");
    }

    /**
     * The model of a vocabulary and merge pairs (rank order); each merge's parts and their
     * concatenation must be in the vocabulary. {@code where} and {@code vocabularyName} name the
     * merge list and the vocabulary in errors.
     */
    static BpeModel of(Map<String, Integer> vocabulary, java.util.List<String[]> pairs, String source, String where,
            String vocabularyName) {
        int maxId = vocabulary.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        int n = pairs.size();
        int[] lefts = new int[n];
        int[] rights = new int[n];
        int[] results = new int[n];
        java.util.List<String> merges = new java.util.ArrayList<>(n);
        for (int rank = 0; rank < n; rank++) {
            String[] pair = pairs.get(rank);
            String at = where + "[" + rank + "]";
            lefts[rank] = vocabularyId(vocabulary, pair[0], at, vocabularyName, source);
            rights[rank] = vocabularyId(vocabulary, pair[1], at, vocabularyName, source);
            results[rank] = vocabularyId(vocabulary, pair[0] + pair[1], at, vocabularyName, source);
            merges.add(pair[0] + " " + pair[1]);
        }
        int[] byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocabulary.getOrDefault(String.valueOf(ByteLevel.charOf(b)), -1);
        }
        return new BpeModel(vocabulary, maxId, merges, new Bpe(byteTokens, new MergeTable(lefts, rights, results)));
    }

    private static Map<String, Integer> readVocabulary(JsonNode vocab, String source) {
        Json.requireObject(vocab, "model.vocab", source);
        Map<String, Integer> vocabulary = new HashMap<>(vocab.size() * 2);
        Map<Integer, String> byId = new HashMap<>(vocab.size() * 2);
        for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
            String token = Json.string(com.fasterxml.jackson.databind.node.TextNode.valueOf(entry.getKey()),
                    "model.vocab key", source);
            int id = Json.id(entry.getValue(), "model.vocab['" + token + "']", MAX_ID, source);
            String previous = byId.put(id, token);
            if (previous != null) {
                throw new TokenizerException(source + ": model.vocab gives id " + id + " to both '" + previous
                        + "' and '" + token + "'");
            }
            vocabulary.put(token, id);
        }
        return vocabulary;
    }

    private static java.util.List<String[]> readMerges(JsonNode list, String source) {
        if (list == null || !list.isArray()) {
            throw new TokenizerException(source + ": model.merges must be a list");
        }
        java.util.List<String[]> pairs = new java.util.ArrayList<>(list.size());
        for (int rank = 0; rank < list.size(); rank++) {
            pairs.add(mergePair(list.get(rank), rank, source));
        }
        return pairs;
    }

    /** A merge as {@code "left right"} (older files) or {@code ["left", "right"]} (newer files). */
    private static String[] mergePair(JsonNode merge, int rank, String source) {
        String where = "model.merges[" + rank + "]";
        if (merge.isTextual()) {
            String[] parts = merge.textValue().split(" ", -1);
            if (parts.length != 2) {
                throw new TokenizerException(source + ": " + where + " \"" + merge.textValue()
                        + "\" must be two tokens separated by one space");
            }
            return parts;
        }
        if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
            return new String[] {merge.get(0).textValue(), merge.get(1).textValue()};
        }
        throw new TokenizerException(source + ": " + where + " must be \"left right\" or [\"left\", \"right\"], found " + merge);
    }

    private static int vocabularyId(Map<String, Integer> vocabulary, String token, String where, String vocabularyName,
            String source) {
        Integer id = vocabulary.get(token);
        if (id == null) {
            throw new TokenizerException(source + ": " + where + " needs token '" + token + "', which is not in " + vocabularyName);
        }
        return id;
    }
}
