package org.neox4j.score.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.Neox4jException;

/** JSON Lines data sets: what is accepted, and errors that name the file and line. */
class EvalDataTest {
    @TempDir
    Path dir;

    Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    String lambadaError(String content) throws IOException {
        Path f = file("l.jsonl", content);
        return assertThrows(Neox4jException.class, () -> EvalData.readLambada(f, 0)).getMessage().replace(f.toString(), "l.jsonl");
    }

    String choiceError(String content) throws IOException {
        Path f = file("mc.jsonl", content);
        return assertThrows(Neox4jException.class, () -> EvalData.readMultipleChoice(f, 0)).getMessage().replace(f.toString(), "mc.jsonl");
    }

    @Test
    void lambadaLinesBlankLinesBomAndLimit() throws IOException {
        Path f = file("l.jsonl", "\uFEFF{\"text\": \"one two\"}\n\n  \n{\"text\": \"three\", \"extra\": 1}\r\n{\"text\": \"four five six\"}\n");
        List<LambadaDoc> docs = EvalData.readLambada(f, 0);
        assertEquals(List.of("one two", "three", "four five six"), docs.stream().map(LambadaDoc::text).toList());
        assertEquals(f + ":4", docs.get(1).source(), "line numbers count blank lines");
        assertEquals(2, EvalData.readLambada(f, 2).size());
    }

    @Test
    void lambadaSplitsAtTheLastSpaceLikeTheHarness() {
        LambadaDoc d = new LambadaDoc("He said  \"goodbye\" to Anna");
        assertEquals("He said  \"goodbye\" to", d.context());
        assertEquals(" Anna", d.target());
        // text.split(' ')[:-1] keeps empty words: a double space before the last word stays in the context
        assertEquals("a ", new LambadaDoc("a  b").context());
        assertEquals(" b", new LambadaDoc("a  b").target());
        assertEquals("", new LambadaDoc("word").context());
        assertEquals(" word", new LambadaDoc("word").target());
    }

    @Test
    void badLambadaLinesNameTheLine() throws IOException {
        assertEquals("l.jsonl:2: not valid JSON (Unexpected character ('}' (code 125)): was expecting double-quote to start field name)",
                lambadaError("{\"text\": \"a b\"}\n{\"text\": \"a b\",}\n"));
        assertEquals("l.jsonl:1: expected a JSON object, found array [\"a b\"]", lambadaError("[\"a b\"]\n"));
        assertEquals("l.jsonl:1: \"text\" must be a string (missing)", lambadaError("{\"passage\": \"a b\"}\n"));
        assertEquals("l.jsonl:3: \"text\" must be a string, found number 5", lambadaError("{\"text\": \"a\"}\n\n{\"text\": 5}\n"));
        assertEquals("l.jsonl: no documents (expected one JSON object per line)", lambadaError("\n\n"));
    }

    @Test
    void notUtf8AndMissingFiles() throws IOException {
        Path f = dir.resolve("latin1.jsonl");
        Files.write(f, new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xe9, '"', '}', '\n'});
        assertEquals(f + ": not valid UTF-8 text", assertThrows(Neox4jException.class, () -> EvalData.readLambada(f, 0)).getMessage());
        Path missing = dir.resolve("missing.jsonl");
        assertEquals(missing + ": no such file", assertThrows(Neox4jException.class, () -> EvalData.readLambada(missing, 0)).getMessage());
    }

    @Test
    void multipleChoiceLines() throws IOException {
        Path f = file("mc.jsonl", "{\"context\": \"Q?\\nA:\", \"choices\": [\"yes\", \"no\"], \"gold\": 1, \"id\": 7}\n"
                + "{\"context\": \"\", \"choices\": [\"x\", \"y\", \"z\"], \"gold\": 0}\n");
        List<MultipleChoiceDoc> docs = EvalData.readMultipleChoice(f, 0);
        assertEquals(new MultipleChoiceDoc("Q?\nA:", List.of("yes", "no"), 1, f + ":1"), docs.get(0));
        assertEquals(3, docs.get(1).choices().size());
    }

    @Test
    void badMultipleChoiceLinesNameTheLine() throws IOException {
        String ok = "{\"context\": \"c\", \"choices\": [\"a\", \"b\"], \"gold\": 0}\n";
        assertEquals("mc.jsonl:2: gold index 2 is out of range for 2 choices (0..1)",
                choiceError(ok + "{\"context\": \"c\", \"choices\": [\"a\", \"b\"], \"gold\": 2}\n"));
        assertEquals("mc.jsonl:1: gold index -1 is out of range for 2 choices (0..1)",
                choiceError("{\"context\": \"c\", \"choices\": [\"a\", \"b\"], \"gold\": -1}\n"));
        assertEquals("mc.jsonl:1: \"gold\" must be the index of the right choice (an integer from 0), found string \"1\"",
                choiceError("{\"context\": \"c\", \"choices\": [\"a\", \"b\"], \"gold\": \"1\"}\n"));
        assertEquals("mc.jsonl:1: \"gold\" must be the index of the right choice (an integer from 0), found number 1.5",
                choiceError("{\"context\": \"c\", \"choices\": [\"a\", \"b\"], \"gold\": 1.5}\n"));
        assertEquals("mc.jsonl:1: \"gold\" must be the index of the right choice (an integer from 0) (missing)",
                choiceError("{\"context\": \"c\", \"choices\": [\"a\", \"b\"]}\n"));
        assertEquals("mc.jsonl:1: \"choices\" must be an array of strings, found string \"a\"",
                choiceError("{\"context\": \"c\", \"choices\": \"a\", \"gold\": 0}\n"));
        assertEquals("mc.jsonl:1: \"choices\" must be an array of strings, found number",
                choiceError("{\"context\": \"c\", \"choices\": [\"a\", 2], \"gold\": 0}\n"));
        assertEquals("mc.jsonl:1: a multiple-choice question needs at least 2 choices, got 1",
                choiceError("{\"context\": \"c\", \"choices\": [\"a\"], \"gold\": 0}\n"));
        assertEquals("mc.jsonl:1: choice 1 is empty", choiceError("{\"context\": \"c\", \"choices\": [\"a\", \"\"], \"gold\": 0}\n"));
        assertEquals("mc.jsonl:1: \"context\" must be a string (missing)", choiceError("{\"choices\": [\"a\", \"b\"], \"gold\": 0}\n"));
    }
}
