package org.neox4j.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A small tokenizer.json of the GPT-NeoX kind, for tests that edit it. */
final class TinyTokenizerJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private TinyTokenizerJson() {
    }

    /**
     * Vocabulary {@code <|endoftext|>}=0, a=1, b=2, c=3, Ġ=4, ab=5, abc=6, Ġa=7; merges
     * {@code a b}, {@code ab c}, {@code Ġ a} in that order; added tokens {@code <|endoftext|>}
     * (special) and a run of two spaces (id 8).
     */
    static ObjectNode base() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        added.add(addedToken(0, "<|endoftext|>", true, false));
        added.add(addedToken(8, "  ", false, true));
        root.putObject("normalizer").put("type", "NFC");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        ObjectNode vocab = model.putObject("vocab");
        String[] tokens = {"<|endoftext|>", "a", "b", "c", "Ġ", "ab", "abc", "Ġa"};
        for (int id = 0; id < tokens.length; id++) {
            vocab.put(tokens[id], id);
        }
        model.putArray("merges").add("a b").add("ab c").add("Ġ a");
        return root;
    }

    static ObjectNode addedToken(int id, String content, boolean special, boolean normalized) {
        ObjectNode token = JSON.createObjectNode();
        token.put("id", id);
        token.put("special", special);
        token.put("content", content);
        token.put("single_word", false);
        token.put("lstrip", false);
        token.put("rstrip", false);
        token.put("normalized", normalized);
        return token;
    }

    static ObjectNode model(ObjectNode root) {
        return (ObjectNode) root.get("model");
    }

    static Tokenizer load(ObjectNode root) {
        return Tokenizer.fromJson(root.toString(), "tiny.json");
    }
}
