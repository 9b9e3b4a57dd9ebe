package org.neox4j.format.neox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.neox4j.format.FormatException;

/**
 * What GPT-NeoX's {@code HFTokenizer} takes from a Hugging Face {@code tokenizer.json}: its size
 * ({@code Tokenizer.get_vocab_size()}, added tokens included: 50277 for 20B) and the id of
 * {@code <|endoftext|>}, NeoX's end-of-document token (-1 when absent).
 */
record TokenizerFile(Path path, int vocabSize, int endOfTextId) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static TokenizerFile read(Path path) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(path));
        } catch (JsonProcessingException e) {
            throw new FormatException(path + ": malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode vocab = root == null ? null : root.path("model").get("vocab");
        if (vocab == null || !vocab.isObject()) {
            throw new FormatException(path + ": not a Hugging Face tokenizer.json (no model.vocab object)");
        }
        Set<String> tokens = new HashSet<>();
        vocab.fieldNames().forEachRemaining(tokens::add);
        int eot = vocab.has("<|endoftext|>") ? vocab.get("<|endoftext|>").asInt() : -1;
        for (JsonNode added : root.path("added_tokens")) {
            String content = added.path("content").asText();
            tokens.add(content);
            if (content.equals("<|endoftext|>")) {
                eot = added.path("id").asInt();
            }
        }
        return new TokenizerFile(path, tokens.size(), eot);
    }
}
