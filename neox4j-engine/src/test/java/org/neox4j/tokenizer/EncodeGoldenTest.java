package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every line of cases.jsonl: ids, token strings and decoded text exactly as the Hugging Face library gives them. */
class EncodeGoldenTest {

    static Stream<Arguments> cases() {
        return GoldenCases.lines("cases.jsonl").stream()
                .map(c -> Arguments.of(c.get("id").textValue() + " " + c.get("category").textValue(), c));
    }

    @Test
    void coversTheWholeFile() {
        assertEquals(530, GoldenCases.lines("cases.jsonl").size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesLikeTheLibrary(String name, JsonNode c) {
        Tokenizer tokenizer = GoldenCases.tokenizer();
        int[] expected = GoldenCases.ints(c.get("ids"));
        int[] ids = tokenizer.encode(c.get("text").textValue());
        assertArrayEquals(expected, ids, "ids");
        String[] tokens = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = tokenizer.tokenString(ids[i]);
        }
        assertArrayEquals(GoldenCases.strings(c.get("tokens")), tokens, "token strings");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesLikeTheLibrary(String name, JsonNode c) {
        Tokenizer tokenizer = GoldenCases.tokenizer();
        int[] ids = GoldenCases.ints(c.get("ids"));
        String decoded = c.get("decoded").textValue();
        String decodedSkipSpecial = c.get("decoded_skip_special").textValue();
        assertEquals(decoded, tokenizer.decode(ids, false), "decoded");
        assertEquals(decodedSkipSpecial, tokenizer.decode(ids, true), "decoded_skip_special");
        assertEquals(decoded, GoldenCases.streamed(tokenizer, ids, false), "streamed");
        assertEquals(decodedSkipSpecial, GoldenCases.streamed(tokenizer, ids, true), "streamed, skipping specials");
        assertEquals(c.get("roundtrip_exact").booleanValue(), decoded.equals(c.get("text").textValue()), "roundtrip_exact");
    }
}
