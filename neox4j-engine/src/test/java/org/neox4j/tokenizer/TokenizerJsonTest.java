package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.Neox4jException;
import org.neox4j.testing.Golden;

/** Loading: both merge forms, model directories, and a clear error for every unsupported or malformed file. */
class TokenizerJsonTest {

    @Test
    void tinyTokenizerMergesByRank() {
        Tokenizer tokenizer = TinyTokenizerJson.load(TinyTokenizerJson.base());
        // " ab": Ġ a b; "a b" (rank 0) merges before "Ġ a" (rank 2), and "Ġ ab" has no merge.
        assertArrayEquals(new int[] {6, 4, 5}, tokenizer.encode("abc ab"));
        assertArrayEquals(new int[] {1, 8, 7, 0, 3}, tokenizer.encode("a   a<|endoftext|>c"));
        assertEquals("abc ab", tokenizer.decode(new int[] {6, 4, 5}, false));
        assertEquals(9, tokenizer.size());
    }

    @Test
    void readsMergesWrittenAsPairs() {
        ObjectNode root = TinyTokenizerJson.base();
        ArrayNode pairs = TinyTokenizerJson.model(root).putArray("merges");
        pairs.addArray().add("a").add("b");
        pairs.addArray().add("ab").add("c");
        pairs.addArray().add("Ġ").add("a");
        assertArrayEquals(new int[] {6, 4, 5}, TinyTokenizerJson.load(root).encode("abc ab"));
    }

    @Test
    void realTokenizerGivesTheSameIdsWithPairMerges() throws IOException {
        ObjectNode root = (ObjectNode) TinyTokenizerJson.JSON.readTree(Golden.tokenizerJson().toFile());
        ArrayNode strings = (ArrayNode) TinyTokenizerJson.model(root).get("merges");
        ArrayNode pairs = TinyTokenizerJson.JSON.createArrayNode();
        strings.forEach(merge -> {
            String[] parts = merge.textValue().split(" ");
            pairs.addArray().add(parts[0]).add(parts[1]);
        });
        TinyTokenizerJson.model(root).set("merges", pairs);
        Tokenizer fromPairs = Tokenizer.fromJson(root.toString(), "pairs.json");
        String text = "Hello world, this is GPT-NeoX's tokenizer:   1234 ½ 中文 <|endoftext|>";
        assertArrayEquals(GoldenCases.tokenizer().encode(text), fromPairs.encode(text));
    }

    @Test
    void loadsFromAModelDirectory(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("20B_tokenizer.json"), TinyTokenizerJson.base().toString());
        assertEquals(9, Tokenizer.load(dir).size());
        ObjectNode other = TinyTokenizerJson.base();
        ((ArrayNode) other.get("added_tokens")).remove(1);
        Files.writeString(dir.resolve("tokenizer.json"), other.toString());
        assertEquals(8, Tokenizer.load(dir).size(), "tokenizer.json comes first");
    }

    @Test
    void namesTheMissingFile(@TempDir Path dir) {
        assertMessage(() -> Tokenizer.load(dir.resolve("nope.json")), "nope.json does not exist");
        assertMessage(() -> Tokenizer.load(dir), "no tokenizer in directory " + dir);
    }

    @Test
    void namesMalformedFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"version\": \"1.0\",\n \"model\": [}");
        assertMessage(() -> Tokenizer.load(file), "bad.json: malformed JSON at line 2");
        Files.write(file, new byte[] {'{', (byte) 0xC3, '}'});
        assertMessage(() -> Tokenizer.load(file), "is not valid UTF-8");
        assertMessage(() -> Tokenizer.fromJson("[1, 2]", "list.json"), "list.json: the file must be a JSON object");
        assertMessage(() -> Tokenizer.fromJson("{\"model\": {\"vocab\": {\"a\": 0, \"a\": 1}, \"merges\": []}}", "dup.json"),
                "dup.json: malformed JSON", "Duplicate field 'a'");
    }

    @Test
    void refusesUnsupportedComponentsByName() {
        assertRefused(r -> TinyTokenizerJson.model(r).put("type", "WordPiece"), "model type 'WordPiece' is not supported");
        assertRefused(r -> TinyTokenizerJson.model(r).put("dropout", 0.1), "dropout = 0.1 is not supported");
        assertRefused(r -> TinyTokenizerJson.model(r).put("unk_token", "<unk>"), "unk_token");
        assertRefused(r -> TinyTokenizerJson.model(r).put("continuing_subword_prefix", "##"), "continuing_subword_prefix");
        assertRefused(r -> TinyTokenizerJson.model(r).put("end_of_word_suffix", "</w>"), "end_of_word_suffix");
        assertRefused(r -> TinyTokenizerJson.model(r).put("byte_fallback", true), "byte_fallback = true is not supported");
        assertRefused(r -> TinyTokenizerJson.model(r).put("ignore_merges", true), "ignore_merges = true is not supported");
        assertRefused(r -> TinyTokenizerJson.model(r).put("new_option", 1), "model BPE has option 'new_option'");
        assertRefused(r -> r.putObject("normalizer").put("type", "NFKC"), "normalizer 'NFKC' is not supported");
        assertRefused(r -> r.putObject("normalizer").put("type", "Sequence"), "normalizer 'Sequence' is not supported");
        assertRefused(r -> r.putObject("pre_tokenizer").put("type", "Whitespace"), "pre_tokenizer 'Whitespace' is not supported");
        assertRefused(r -> ((ObjectNode) r.get("pre_tokenizer")).put("add_prefix_space", true), "add_prefix_space true is not supported");
        assertRefused(r -> ((ObjectNode) r.get("pre_tokenizer")).put("use_regex", false), "use_regex false is not supported");
        assertRefused(r -> r.putNull("pre_tokenizer"), "without pre_tokenizer is not supported");
        assertRefused(r -> r.putObject("post_processor").put("type", "TemplateProcessing"), "post_processor 'TemplateProcessing'");
        assertRefused(r -> r.putObject("decoder").put("type", "WordPiece"), "decoder 'WordPiece' is not supported");
        assertRefused(r -> r.putNull("decoder"), "without decoder is not supported");
        assertRefused(r -> r.putObject("truncation").put("max_length", 512), "truncation is set");
        assertRefused(r -> r.putObject("padding"), "padding is set");
        assertRefused(r -> r.put("version", "2.0"), "version \"2.0\" is not supported");
        assertRefused(r -> r.put("extra", 1), "the tokenizer has option 'extra'");
    }

    @Test
    void refusesUnsupportedAddedTokens() {
        assertRefused(r -> addedToken(r, 1).put("lstrip", true), "added_tokens[1] '  ' sets lstrip true");
        assertRefused(r -> addedToken(r, 1).put("single_word", true), "sets single_word true");
        assertRefused(r -> addedToken(r, 1).put("rstrip", true), "sets rstrip true");
        assertRefused(r -> addedToken(r, 1).put("id", 9), "declares id 9 but the Hugging Face library would give it id 8");
        assertRefused(r -> addedToken(r, 1).put("content", ""), "has empty content");
        assertRefused(r -> addedToken(r, 1).remove("special"), "needs \"special\"");
        assertRefused(r -> ((ArrayNode) r.get("added_tokens")).add(TinyTokenizerJson.addedToken(9, "  ", false, true)),
                "listed twice");
    }

    @Test
    void refusesBrokenVocabulariesAndMerges() {
        assertRefused(r -> ((ObjectNode) TinyTokenizerJson.model(r).get("vocab")).put("x", 1), "gives id 1 to both");
        assertRefused(r -> ((ObjectNode) TinyTokenizerJson.model(r).get("vocab")).put("x", -1), "must be a token id");
        assertRefused(r -> ((ArrayNode) TinyTokenizerJson.model(r).get("merges")).add("b c"),
                "model.merges[3] needs token 'bc', which is not in model.vocab");
        assertRefused(r -> ((ArrayNode) TinyTokenizerJson.model(r).get("merges")).add("a b c"),
                "model.merges[3] \"a b c\" must be two tokens");
        assertRefused(r -> ((ArrayNode) TinyTokenizerJson.model(r).get("merges")).add(3), "model.merges[3] must be");
        assertRefused(r -> TinyTokenizerJson.model(r).remove("vocab"), "model.vocab must be a JSON object");
    }

    private static ObjectNode addedToken(ObjectNode root, int index) {
        return (ObjectNode) root.get("added_tokens").get(index);
    }

    private static void assertRefused(Consumer<ObjectNode> edit, String expected) {
        ObjectNode root = TinyTokenizerJson.base();
        edit.accept(root);
        assertMessage(() -> TinyTokenizerJson.load(root), "tiny.json: ", expected);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable load, String... parts) {
        TokenizerException e = assertThrows(TokenizerException.class, load);
        assertTrue(e instanceof Neox4jException);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }
}
