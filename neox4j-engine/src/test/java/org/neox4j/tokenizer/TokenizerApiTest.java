package org.neox4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The public API on the GPT-NeoX-20B tokenizer, beyond what the golden files check. */
class TokenizerApiTest {
    private final Tokenizer tokenizer = GoldenCases.tokenizer();

    @Test
    void describesItsVocabulary() {
        assertEquals(50_277, tokenizer.size());
        assertEquals("<|endoftext|>", tokenizer.tokenString(0));
        assertEquals("Ġ", tokenizer.tokenString(209));
        assertEquals(" ".repeat(24), tokenizer.tokenString(50_254));
        assertEquals("  ", tokenizer.tokenString(50_276));
        assertNull(tokenizer.tokenString(50_277));
        assertNull(tokenizer.tokenString(50_431));
        assertNull(tokenizer.tokenString(-1));
        assertEquals(OptionalInt.of(1), tokenizer.tokenId("<|padding|>"));
        assertEquals(OptionalInt.of(50_276), tokenizer.tokenId("  "));
        assertEquals(OptionalInt.of(245), tokenizer.tokenId("ĠĠ"));
        assertEquals(OptionalInt.empty(), tokenizer.tokenId("no such token"));
        assertTrue(tokenizer.isSpecial(0));
        assertTrue(tokenizer.isSpecial(1));
        assertFalse(tokenizer.isSpecial(50_276));
        assertFalse(tokenizer.isSpecial(2));
        assertFalse(tokenizer.isSpecial(60_000));
    }

    @Test
    void encodesTheReadmeExamples() {
        assertArrayEquals(new int[] {66, 0, 67}, tokenizer.encode("a<|endoftext|>b"));
        assertArrayEquals(new int[] {66, 50276, 67}, tokenizer.encode("a  b"));
        assertArrayEquals(new int[] {50254, 50276}, tokenizer.encode(" ".repeat(26)));
        assertArrayEquals(tokenizer.encode("caf\u00e9"), tokenizer.encode("cafe\u0301"));
        assertArrayEquals(new int[] {177}, tokenizer.encode("\u0000"));
        assertArrayEquals(new int[0], tokenizer.encode(""));
    }

    @Test
    void encodesALoneSurrogateAsReplacementCharacter() {
        assertArrayEquals(tokenizer.encode("a\uFFFDb"), tokenizer.encode("a\uD800b"));
        assertArrayEquals(tokenizer.encode("\uFFFD"), tokenizer.encode("\uDC00"));
    }

    @Test
    void decodingDropsIdsWithoutTokenAndRejectsNegativeIds() {
        assertEquals("ab", tokenizer.decode(new int[] {66, 50_277, 50_431, 67}, false));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {-1}, false));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.streamingDecoder(false).push(-5));
    }

    @Test
    void streamingHoldsBackPartialCharacters() {
        StreamingDecoder decoder = tokenizer.streamingDecoder(true);
        int[] euro = new int[3]; // the single-byte tokens of E2 82 AC
        for (int i = 0; i < 3; i++) {
            euro[i] = tokenizer.tokenId(String.valueOf(ByteLevel.charOf(new int[] {0xE2, 0x82, 0xAC}[i]))).orElseThrow();
        }
        assertEquals("", decoder.push(euro[0]));
        assertEquals("", decoder.push(0)); // skipped special token between the bytes
        assertEquals("", decoder.push(euro[1]));
        assertEquals("€", decoder.push(euro[2]));
        assertEquals("", decoder.push(euro[0]));
        assertEquals("\uFFFD", decoder.finish());
        assertEquals("", decoder.finish());
    }

    /** Random id sequences, heavy in single bytes, specials and ids without token: stream == decode. */
    @Test
    void streamingEqualsFullDecodeOnRandomIds() {
        Random random = new Random(3);
        for (int n = 0; n < 5_000; n++) {
            int[] ids = new int[random.nextInt(10)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = switch (random.nextInt(5)) {
                    case 0 -> random.nextInt(2); // special
                    case 1, 2 -> 2 + random.nextInt(243); // single byte
                    case 3 -> random.nextInt(50_432);
                    default -> 50_254 + random.nextInt(200);
                };
            }
            for (boolean skip : new boolean[] {false, true}) {
                assertEquals(tokenizer.decode(ids, skip), GoldenCases.streamed(tokenizer, ids, skip),
                        () -> java.util.Arrays.toString(ids));
            }
        }
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(200) + "Ünïcödé 中文 <|endoftext|>";
        int[] expected = tokenizer.encode(text);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<int[]>>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> tokenizer.encode(text)));
            }
            for (var future : futures) {
                assertArrayEquals(expected, future.get());
            }
        } finally {
            pool.shutdown();
        }
    }
}
