package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every line of decode_cases.jsonl: token strings (null for ids without a token), raw bytes,
 * decoded text with and without special tokens, and what a streaming decoder gives one id at a time.
 */
class DecodeGoldenTest {

    static Stream<Arguments> cases() {
        return GoldenCases.lines("decode_cases.jsonl").stream().map(c -> Arguments.of(
                c.get("id").textValue() + (c.has("note") ? " " + c.get("note").textValue() : ""), c));
    }

    @Test
    void coversTheWholeFile() {
        assertEquals(333, GoldenCases.lines("decode_cases.jsonl").size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesLikeTheLibrary(String name, JsonNode c) {
        Tokenizer tokenizer = GoldenCases.tokenizer();
        int[] ids = GoldenCases.ints(c.get("ids"));
        String[] tokens = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = tokenizer.tokenString(ids[i]);
        }
        assertArrayEquals(GoldenCases.strings(c.get("tokens")), tokens, "token strings");

        assertEquals(c.get("raw_bytes_hex").textValue(), HexFormat.of().formatHex(rawBytes(tokenizer, ids)), "raw bytes");
        String decoded = c.get("decoded").textValue();
        String decodedSkipSpecial = c.get("decoded_skip_special").textValue();
        assertEquals(decoded, tokenizer.decode(ids, false), "decoded");
        assertEquals(decodedSkipSpecial, tokenizer.decode(ids, true), "decoded_skip_special");
        assertEquals(decoded, GoldenCases.streamed(tokenizer, ids, false), "streamed");
        assertEquals(decodedSkipSpecial, GoldenCases.streamed(tokenizer, ids, true), "streamed, skipping specials");
        if (c.has("special")) {
            assertEquals(c.get("special").booleanValue(), tokenizer.isSpecial(ids[0]), "special");
        }
    }

    /** The bytes before UTF-8 decoding, concatenated as the ByteLevel decoder produces them. */
    private static byte[] rawBytes(Tokenizer tokenizer, int[] ids) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            byte[] bytes = tokenizer.decodedBytes(id, false);
            if (bytes != null) {
                out.writeBytes(bytes);
            }
        }
        return out.toByteArray();
    }
}
