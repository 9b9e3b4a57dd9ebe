package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.neox4j.format.gguf.GgufFile;
import org.neox4j.format.gguf.GgufVocabulary;
import org.neox4j.tensor.DType;
import org.neox4j.testing.GgufFixtures;
import org.neox4j.testing.GoldenModel;

/**
 * The tokenizer rebuilt from a GGUF file's {@code gpt2} metadata (written by neox4j from the real
 * GPT-NeoX-20B tokenizer.json) encodes and decodes every golden case exactly as the Hugging Face
 * library does.
 */
class GgufTokenizerGoldenTest {
    private static Tokenizer ggufTokenizer;

    static synchronized Tokenizer tokenizer() {
        if (ggufTokenizer == null) {
            try (GoldenModel golden = GoldenModel.open("tiny-pythia");
                 GgufFile file = GgufFile.open(GgufFixtures.gguf(golden.dir(), DType.F32))) {
                ggufTokenizer = Tokenizer.fromVocabulary(GgufVocabulary.read(file.gguf()), file.source());
            }
        }
        return ggufTokenizer;
    }

    static Stream<Arguments> cases() {
        return GoldenCases.lines("cases.jsonl").stream()
                .map(c -> Arguments.of(c.get("id").textValue() + " " + c.get("category").textValue(), c));
    }

    @Test
    void vocabularyIsTheSameAsTheJsonTokenizers() {
        Tokenizer json = GoldenCases.tokenizer();
        Tokenizer gguf = tokenizer();
        assertEquals(json.size(), gguf.size());
        assertEquals(json.vocabulary().merges(), gguf.vocabulary().merges());
        for (int id = 0; id < 50304; id++) {
            assertEquals(json.tokenString(id), gguf.tokenString(id), "token " + id);
            assertEquals(json.isSpecial(id), gguf.isSpecial(id), "special " + id);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesAndDecodesLikeTheLibrary(String name, JsonNode c) {
        Tokenizer tokenizer = tokenizer();
        int[] expected = GoldenCases.ints(c.get("ids"));
        assertArrayEquals(expected, tokenizer.encode(c.get("text").textValue()), "ids");
        assertEquals(c.get("decoded").textValue(), tokenizer.decode(expected, false), "decoded");
        assertEquals(c.get("decoded_skip_special").textValue(), tokenizer.decode(expected, true), "decoded_skip_special");
    }
}
