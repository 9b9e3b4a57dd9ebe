package org.neox4j.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neox4j.Neox4jException;
import org.neox4j.testing.Golden;
import org.neox4j.tokenizer.Tokenizer;

/** Text requests become tokens as in lm-evaluation-harness's {@code loglikelihood} / {@code _encode_pair}. */
class HarnessEncodingTest {
    static Tokenizer tokenizer;
    static HarnessEncoding encoding;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(Golden.tokenizerJson());
        encoding = new HarnessEncoding(tokenizer, 0);
    }

    @Test
    void continuationIsTheWholeEncodingAfterTheContextsTokens() {
        String context = "Question: 2+2?\nAnswer:";
        ScoreRequest r = encoding.request(context, " 4");
        int[] ctx = tokenizer.encode(context);
        int[] whole = tokenizer.encode(context + " 4");
        assertArrayEquals(ctx, r.context());
        assertArrayEquals(Arrays.copyOfRange(whole, ctx.length, whole.length), r.continuation());
        assertArrayEquals(new int[] {577}, r.continuation(), "' 4' after 'Answer:'");
    }

    @Test
    void trailingWhitespaceOfTheContextMovesToTheContinuation() {
        assertEquals(encoding.request("Answer:", " yes"), encoding.request("Answer: ", "yes"));
        assertEquals(encoding.request("Answer:", "\n yes"), encoding.request("Answer:\n ", "yes"));
        ScoreRequest r = encoding.request("Answer: ", "yes");
        assertArrayEquals(tokenizer.encode("Answer:"), r.context());
        assertArrayEquals(tokenizer.encode(" yes"), r.continuation());
    }

    @Test
    void emptyContextBecomesThePrefixToken() {
        ScoreRequest r = encoding.request("", " hello");
        assertArrayEquals(new int[] {0}, r.context());
        assertArrayEquals(tokenizer.encode(" hello"), r.continuation());
        // a continuation that starts with the prefix token gives its first token to the context
        ScoreRequest own = encoding.request("", "<|endoftext|> hello");
        assertArrayEquals(new int[] {0}, own.context());
        assertArrayEquals(tokenizer.encode(" hello"), own.continuation());
        ScoreRequest other = new HarnessEncoding(tokenizer, 7).request("", " hello");
        assertArrayEquals(new int[] {7}, other.context());
    }

    @Test
    void continuationsWithoutTokensOfTheirOwnAreErrors() {
        Neox4jException empty = assertThrows(Neox4jException.class, () -> encoding.request("Answer:", ""));
        assertEquals("the continuation is empty; there is nothing to score", empty.getMessage());
        // "hello wor" + "ld" tokenizes as [hello, world]: nothing is left after the context's two tokens
        Neox4jException merged = assertThrows(Neox4jException.class, () -> encoding.request("hello wor", "ld"));
        assertTrue(merged.getMessage().contains("\"ld\" adds no tokens of its own"), merged.getMessage());
        assertThrows(Neox4jException.class, () -> encoding.request("", "<|endoftext|>"));
    }

    @Test
    void whitespaceIsPythonsStrIsspace() {
        for (int cp : new int[] {' ', '\t', '\n', 0x0b, '\f', '\r', 0x1c, 0x1f, 0x85, 0xa0, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000}) {
            assertTrue(HarnessEncoding.isPythonWhitespace(cp), Integer.toHexString(cp));
        }
        for (int cp : new int[] {'a', '_', 0, 0x1b, 0x200b, 0xfeff, 0x180e}) {
            assertFalse(HarnessEncoding.isPythonWhitespace(cp), Integer.toHexString(cp));
        }
        assertEquals(3, HarnessEncoding.trailingWhitespace("x\u00a0\n "));
        assertEquals(0, HarnessEncoding.trailingWhitespace("x\u200b"));
        assertEquals(2, HarnessEncoding.trailingWhitespace("  "));
    }
}
