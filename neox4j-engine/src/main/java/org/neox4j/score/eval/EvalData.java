package org.neox4j.score.eval;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.neox4j.Neox4jException;

/**
 * Reads evaluation data sets from JSON Lines files (one JSON object per line; blank lines are
 * skipped; other fields are ignored). Errors name the file and line.
 *
 * <ul>
 *   <li>LAMBADA: {@code {"text": "... passage ending in the target word"}} (the {@code lambada_openai} format)
 *   <li>multiple choice: {@code {"context": "Question: ...\nAnswer:", "choices": ["a", "b"], "gold": 1}}
 * </ul>
 */
public final class EvalData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalData() {
    }

    /** Reads up to {@code limit} passages (0: all). */
    public static List<LambadaDoc> readLambada(Path file, int limit) {
        return read(file, limit, (o, where) -> new LambadaDoc(string(o, "text", where), where));
    }

    /** Reads up to {@code limit} questions (0: all). */
    public static List<MultipleChoiceDoc> readMultipleChoice(Path file, int limit) {
        return read(file, limit, (o, where) -> {
            String context = string(o, "context", where);
            JsonNode choices = o.get("choices");
            if (choices == null || !choices.isArray()) {
                throw new Neox4jException(where + ": \"choices\" must be an array of strings" + found(choices));
            }
            List<String> texts = new ArrayList<>();
            for (JsonNode c : choices) {
                if (!c.isTextual()) {
                    throw new Neox4jException(where + ": \"choices\" must be an array of strings, found " + c.getNodeType().name().toLowerCase());
                }
                texts.add(c.asText());
            }
            JsonNode gold = o.get("gold");
            if (gold == null || !gold.canConvertToInt() || !gold.isIntegralNumber()) {
                throw new Neox4jException(where + ": \"gold\" must be the index of the right choice (an integer from 0)" + found(gold));
            }
            try {
                return new MultipleChoiceDoc(context, texts, gold.asInt(), where);
            } catch (IllegalArgumentException e) {
                throw new Neox4jException(where + ": " + e.getMessage());
            }
        });
    }

    private static <T> List<T> read(Path file, int limit, BiFunction<JsonNode, String, T> parse) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (all) or positive, got " + limit);
        }
        List<T> docs = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null && (limit == 0 || docs.size() < limit); line = in.readLine()) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String where = file + ":" + lineNumber;
                docs.add(parse.apply(object(line, where), where));
            }
        } catch (NoSuchFileException e) {
            throw new Neox4jException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new Neox4jException(file + ": not valid UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (docs.isEmpty()) {
            throw new Neox4jException(file + ": no documents (expected one JSON object per line)");
        }
        return docs;
    }

    private static JsonNode object(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new Neox4jException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new Neox4jException(where + ": expected a JSON object" + found(node));
        }
        return node;
    }

    private static String string(JsonNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new Neox4jException(where + ": \"" + field + "\" must be a string" + found(v));
        }
        return v.asText();
    }

    private static String found(JsonNode v) {
        return v == null ? " (missing)" : ", found " + v.getNodeType().name().toLowerCase() + " " + abbreviate(v.toString());
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
