package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.testing.Golden;

/** {@code neox4j tokenize}, run through {@link Main#run} with stdin, stdout and stderr captured. */
class TokenizeCommandTest {
    private final String tokenizer = Golden.tokenizerJson().toString();

    /** The exit code and what the command wrote. */
    record Result(int exitCode, String out, String err) {
    }

    private static Result run(String stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void encodesArgumentsToIds() {
        Result result = run("", "tokenize", "--tokenizer", tokenizer, "Hello", "world<|endoftext|>");
        assertEquals(new Result(0, "12092 1533 0\n", ""), result);
    }

    @Test
    void encodesStdinWhenNoTextIsGiven() {
        assertEquals("66 50276 67 187\n", run("a  b\n", "tokenize", "--tokenizer", tokenizer).out());
    }

    @Test
    void printsIdsAndTokensAsJson() {
        Result result = run("", "tokenize", "--tokenizer", tokenizer, "--json", "a  b");
        assertEquals("{\"ids\":[66,50276,67],\"tokens\":[\"a\",\"  \",\"b\"]}\n", result.out());
    }

    @Test
    void decodesIdsSeparatedBySpacesOrCommas() {
        assertEquals("Hello world<|endoftext|>\n", run("", "tokenize", "--tokenizer", tokenizer, "--decode", "12092,1533", "0").out());
        assertEquals("Hello world\n", run("", "tokenize", "--tokenizer", tokenizer, "--decode", "--skip-special-tokens", "12092 1533 0").out());
        assertEquals("{\"text\":\"€\"}\n", run("", "tokenize", "--tokenizer", tokenizer, "--decode", "--json", "14507").out());
    }

    @Test
    void convertsJsonLines() {
        Result encoded = run("{\"text\": \"Hello world\"}\n{\"text\": \"caf\u00e9 \u4e2d\"}\n",
                "tokenize", "--tokenizer", tokenizer, "--jsonl");
        assertEquals(0, encoded.exitCode(), encoded.err());
        String[] lines = encoded.out().split("\n");
        assertEquals("{\"ids\":[12092,1533]}", lines[0]);
        assertEquals(2, lines.length);

        Result decoded = run(encoded.out(), "tokenize", "--tokenizer", tokenizer, "--jsonl", "--decode");
        assertEquals("{\"text\":\"Hello world\"}\n{\"text\":\"caf\u00e9 \u4e2d\"}\n", decoded.out());
    }

    @Test
    void reportsBadIdsClearly() {
        assertFailure(run("", "tokenize", "--tokenizer", tokenizer, "--decode", "12092", "x1"), "not a token id: 'x1'");
        assertFailure(run("", "tokenize", "--tokenizer", tokenizer, "--decode", "-3"), "token id -3 has no token");
        assertFailure(run("", "tokenize", "--tokenizer", tokenizer, "--decode", "50300"), "token id 50300 has no token");
        assertFailure(run("{\"ids\": [1, \"a\"]}\n", "tokenize", "--tokenizer", tokenizer, "--decode", "--jsonl"),
                "stdin line 1: not a token id: '\"a\"'");
    }

    @Test
    void reportsBadJsonLinesClearly() {
        Result secondLineBad = run("{\"text\": \"ok\"}\n{\"text\": 3}\n", "tokenize", "--tokenizer", tokenizer, "--jsonl");
        assertEquals("{\"ids\":[536]}\n", secondLineBad.out(), "lines before the bad one are converted");
        assertFailure(new Result(secondLineBad.exitCode(), "", secondLineBad.err()), "stdin line 2: expected {\"text\": \"...\"}");
        assertFailure(run("{oops\n", "tokenize", "--tokenizer", tokenizer, "--jsonl"), "stdin line 1: malformed JSON");
    }

    @Test
    void reportsUnreadableAndMalformedFiles(@TempDir Path dir) throws Exception {
        assertFailure(run("", "tokenize", "--tokenizer", dir.resolve("missing.json").toString(), "hi"),
                "missing.json does not exist");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"model\": ");
        assertFailure(run("", "tokenize", "--tokenizer", broken.toString(), "hi"), "broken.json: malformed JSON");
        Files.writeString(broken, "{\"model\": {\"type\": \"Unigram\"}}");
        assertFailure(run("", "tokenize", "--tokenizer", broken.toString(), "hi"), "model type 'Unigram' is not supported");
        assertFailure(run("", "tokenize", "--tokenizer", dir.toString(), "hi"), "no tokenizer in directory");
    }

    private static void assertFailure(Result result, String message) {
        assertEquals(1, result.exitCode());
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("tokenize: error: "), result.err());
        assertTrue(result.err().contains(message), () -> "stderr '" + result.err() + "' lacks '" + message + "'");
        assertFalse(result.err().contains("\tat "), "no stack trace");
    }
}
