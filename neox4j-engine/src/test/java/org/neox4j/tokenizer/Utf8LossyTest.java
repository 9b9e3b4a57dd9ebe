package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8LossyTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'', ''",
        "41, A",
        "e282ac, €",
        "f09f9880, \uD83D\uDE00",
        "e282, \uFFFD", // truncated: one replacement for the maximal subpart
        "e2, \uFFFD",
        "82ac, \uFFFD\uFFFD", // lone continuation bytes: one each
        "e080af, \uFFFD\uFFFD\uFFFD", // overlong: E0 cannot be followed by 80
        "eda080, \uFFFD\uFFFD\uFFFD", // encoded surrogate: Java's decoder gives one U+FFFD here
        "edb080eda080, \uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", // CESU-8 pair
        "f4908080, \uFFFD\uFFFD\uFFFD\uFFFD", // above U+10FFFF
        "c0af, \uFFFD\uFFFD",
        "f5, \uFFFD",
        "f09f98, \uFFFD",
        "f09f9841, \uFFFDA",
        "e2823c, \uFFFD<",
        "61e28262, a\uFFFDb",
    })
    void replacesEachMaximalInvalidSubpart(String hex, String expected) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertEquals(expected, Utf8Lossy.decode(bytes, 0, bytes.length));
    }

    @Test
    void holdsBackOnlyAnIncompleteTail() {
        byte[] bytes = HexFormat.of().parseHex("41e282");
        StringBuilder out = new StringBuilder();
        assertEquals(1, Utf8Lossy.decodeComplete(bytes, 0, bytes.length, out));
        assertEquals("A", out.toString());

        byte[] broken = HexFormat.of().parseHex("41e28241");
        out.setLength(0);
        assertEquals(4, Utf8Lossy.decodeComplete(broken, 0, broken.length, out));
        assertEquals("A\uFFFDA", out.toString());
    }

    /**
     * Java's decoder follows the same practice everywhere except after ED (encoded surrogates),
     * so random byte strings without ED must decode identically.
     */
    @Test
    void agreesWithJavaAwayFromEncodedSurrogates() {
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int i = 0; i < bytes.length; i++) {
                int b = random.nextInt(4) == 0 ? random.nextInt(256) : 0x80 + random.nextInt(0x80);
                bytes[i] = (byte) (b == 0xED ? 0xEE : b);
            }
            assertEquals(new String(bytes, StandardCharsets.UTF_8), Utf8Lossy.decode(bytes, 0, bytes.length),
                    () -> HexFormat.of().formatHex(bytes));
        }
    }
}
