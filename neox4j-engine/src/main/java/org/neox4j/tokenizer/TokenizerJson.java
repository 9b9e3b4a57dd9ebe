package org.neox4j.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} and checks that it describes exactly what neox4j
 * implements: a BPE model, an optional NFC normalizer, the ByteLevel pre-tokenizer (GPT-2 split
 * pattern, no prefix space), an optional ByteLevel post-processor, the ByteLevel decoder, and
 * added tokens without strip or single-word options. Anything else fails with a message naming
 * the component, so that no file is ever tokenized differently from the reference library.
 */
final class TokenizerJson {
    /** File names looked for in a model directory, in order. */
    static final List<String> FILE_NAMES = List.of("tokenizer.json", "20B_tokenizer.json");
    /** Ids above this are refused: they would make the id tables absurdly large. */
    private static final int MAX_ID = 1 << 24;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;

    private TokenizerJson(String source) {
        this.source = source;
    }

    static Tokenizer load(Path fileOrModelDir) {
        Path file = fileOrModelDir;
        if (Files.isDirectory(fileOrModelDir)) {
            file = FILE_NAMES.stream().map(fileOrModelDir::resolve).filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new TokenizerException("no tokenizer in directory " + fileOrModelDir
                            + ": expected " + String.join(" or ", FILE_NAMES)));
        }
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file " + file + " does not exist", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new TokenizerException("tokenizer file " + file + " is not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer file " + file + ": " + e, e);
        }
        return parse(json, file.toString());
    }

    static Tokenizer parse(String json, String sourceName) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new TokenizerException(sourceName + ": malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        return new TokenizerJson(sourceName).build(root);
    }

    private Tokenizer build(JsonNode root) {
        Json.requireObject(root, "the file", source);
        Json.allowOnly(root, "the tokenizer", source, "version", "truncation", "padding", "added_tokens",
                "normalizer", "pre_tokenizer", "post_processor", "decoder", "model");
        JsonNode version = root.get("version");
        if (version != null && !"1.0".equals(version.asText(null))) {
            throw error("tokenizer format version " + version + " is not supported (expected \"1.0\")");
        }
        Json.requireNull(root, "truncation", source);
        Json.requireNull(root, "padding", source);
        BpeModel model = BpeModel.read(root.get("model"), source);
        boolean nfc = readNormalizer(root.get("normalizer"));
        readPreTokenizer(root.get("pre_tokenizer"));
        readPostProcessor(root.get("post_processor"));
        readDecoder(root.get("decoder"));
        List<AddedToken> added = readAddedTokens(root.get("added_tokens"), model.vocabulary());
        return assemble(model, added, nfc);
    }

    private boolean readNormalizer(JsonNode normalizer) {
        if (normalizer == null || normalizer.isNull()) {
            return false;
        }
        String type = Json.type(normalizer, "normalizer", source);
        if (!type.equals("NFC")) {
            throw error("normalizer '" + type + "' is not supported (neox4j implements NFC or none)");
        }
        Json.allowOnly(normalizer, "normalizer NFC", source, "type");
        return true;
    }

    private void readPreTokenizer(JsonNode preTokenizer) {
        if (preTokenizer == null || preTokenizer.isNull()) {
            throw error("a tokenizer without pre_tokenizer is not supported (neox4j implements ByteLevel)");
        }
        String type = Json.type(preTokenizer, "pre_tokenizer", source);
        if (!type.equals("ByteLevel")) {
            throw error("pre_tokenizer '" + type + "' is not supported (neox4j implements ByteLevel)");
        }
        Json.allowOnly(preTokenizer, "pre_tokenizer ByteLevel", source, "type", "add_prefix_space", "trim_offsets", "use_regex");
        if (Json.flag(preTokenizer, "add_prefix_space", false, "pre_tokenizer", source)) {
            throw error("pre_tokenizer ByteLevel with add_prefix_space true is not supported");
        }
        if (!Json.flag(preTokenizer, "use_regex", true, "pre_tokenizer", source)) {
            throw error("pre_tokenizer ByteLevel with use_regex false is not supported");
        }
        Json.flag(preTokenizer, "trim_offsets", true, "pre_tokenizer", source); // offsets only
    }

    /** The ByteLevel post-processor adds no tokens and only adjusts offsets, so its options do not matter. */
    private void readPostProcessor(JsonNode postProcessor) {
        if (postProcessor == null || postProcessor.isNull()) {
            return;
        }
        String type = Json.type(postProcessor, "post_processor", source);
        if (!type.equals("ByteLevel")) {
            throw error("post_processor '" + type + "' is not supported (neox4j implements ByteLevel or none)");
        }
        Json.allowOnly(postProcessor, "post_processor ByteLevel", source, "type", "add_prefix_space", "trim_offsets", "use_regex");
    }

    /** The ByteLevel decoder maps characters back to bytes whatever its options say. */
    private void readDecoder(JsonNode decoder) {
        if (decoder == null || decoder.isNull()) {
            throw error("a tokenizer without decoder is not supported (neox4j implements ByteLevel)");
        }
        String type = Json.type(decoder, "decoder", source);
        if (!type.equals("ByteLevel")) {
            throw error("decoder '" + type + "' is not supported (neox4j implements ByteLevel)");
        }
        Json.allowOnly(decoder, "decoder ByteLevel", source, "type", "add_prefix_space", "trim_offsets", "use_regex");
    }

    /**
     * Reads {@code added_tokens} and checks each declared id against the id the library gives the
     * token when it loads the file: the vocabulary's id for a token already in the vocabulary,
     * else the next free id after the vocabulary. The library only warns about a mismatch and
     * uses its own id; neox4j refuses such a file rather than guess.
     */
    private List<AddedToken> readAddedTokens(JsonNode list, Map<String, Integer> vocabulary) {
        List<AddedToken> tokens = new ArrayList<>();
        if (list == null || list.isNull()) {
            return tokens;
        }
        if (!list.isArray()) {
            throw error("added_tokens must be a list, found " + list.getNodeType());
        }
        Map<String, Integer> assigned = new HashMap<>();
        int maxAssigned = -1;
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String where = "added_tokens[" + i + "]";
            Json.requireObject(entry, where, source);
            Json.allowOnly(entry, where, source, "id", "content", "single_word", "lstrip", "rstrip", "normalized", "special");
            int id = Json.id(entry.get("id"), where + ".id", MAX_ID, source);
            String content = Json.string(entry.get("content"), where + ".content", source);
            where += " '" + content + "'";
            if (content.isEmpty()) {
                throw error(where + " has empty content");
            }
            for (String option : List.of("single_word", "lstrip", "rstrip")) {
                if (Json.flag(entry, option, false, where, source)) {
                    throw error(where + " sets " + option + " true, which is not supported");
                }
            }
            boolean special = Json.requiredFlag(entry, "special", where, source);
            boolean normalized = Json.requiredFlag(entry, "normalized", where, source);
            if (assigned.containsKey(content)) {
                throw error(where + " is listed twice");
            }
            Integer libraryId = vocabulary.get(content);
            if (libraryId == null) {
                libraryId = maxAssigned >= vocabulary.size() ? maxAssigned + 1 : vocabulary.size();
            }
            if (libraryId != id) {
                throw error(where + " declares id " + id + " but the Hugging Face library would give it id "
                        + libraryId + "; such a file is not supported");
            }
            assigned.put(content, id);
            maxAssigned = Math.max(maxAssigned, id);
            tokens.add(new AddedToken(id, content, special, normalized));
        }
        return tokens;
    }

    private Tokenizer assemble(BpeModel model, List<AddedToken> added, boolean nfc) {
        int maxId = model.maxId();
        for (AddedToken token : added) {
            maxId = Math.max(maxId, token.id());
        }
        String[] tokens = new String[maxId + 1];
        Map<String, Integer> ids = new HashMap<>(model.vocabulary());
        model.vocabulary().forEach((token, id) -> tokens[id] = token);
        List<String> specialContents = new ArrayList<>();
        for (AddedToken token : added) {
            if (token.id() > model.maxId() || tokens[token.id()] == null || tokens[token.id()].equals(token.content())) {
                tokens[token.id()] = token.content();
            } else {
                throw error("added token '" + token.content() + "' would take id " + token.id()
                        + " from vocabulary token '" + tokens[token.id()] + "'; such a file is not supported");
            }
            ids.put(token.content(), token.id());
            if (token.special()) {
                specialContents.add(token.content());
            }
        }
        boolean[] special = new boolean[tokens.length];
        List<TokenKind> kinds = new ArrayList<>(tokens.length);
        for (int id = 0; id < tokens.length; id++) {
            special[id] = tokens[id] != null && specialContents.contains(tokens[id]);
            kinds.add(tokens[id] == null ? TokenKind.UNUSED : TokenKind.NORMAL);
        }
        for (AddedToken token : added) {
            kinds.set(token.id(), token.special() ? TokenKind.SPECIAL : TokenKind.ADDED);
        }
        BpeVocabulary vocabulary = new BpeVocabulary(java.util.Arrays.asList(tokens), kinds, model.merges(), nfc);
        return new Tokenizer(source, tokens, special, ids, nfc, new AddedTokens(added, nfc), model.bpe(), vocabulary);
    }

    private TokenizerException error(String message) {
        return new TokenizerException(source + ": " + message);
    }
}
