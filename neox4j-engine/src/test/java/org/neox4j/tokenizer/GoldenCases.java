package org.neox4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.neox4j.testing.Golden;

/** The golden tokenizer data (outputs of the Hugging Face library) and the tokenizer it was made with. */
final class GoldenCases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Tokenizer tokenizer;

    private GoldenCases() {
    }

    /** The GPT-NeoX-20B tokenizer, loaded once for all tests. */
    static synchronized Tokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = Tokenizer.load(Golden.tokenizerJson());
        }
        return tokenizer;
    }

    /** The lines of a JSONL file of the golden tokenizer folder. */
    static List<JsonNode> lines(String name) {
        Path file = Golden.path("tokenizer/" + name);
        List<JsonNode> lines = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).intValue();
        }
        return values;
    }

    /** Strings of a JSON array, with JSON null as Java null. */
    static String[] strings(JsonNode array) {
        String[] values = new String[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).isNull() ? null : array.get(i).textValue();
        }
        return values;
    }

    /** Decodes ids one at a time with a streaming decoder and joins the chunks. */
    static String streamed(Tokenizer tokenizer, int[] ids, boolean skipSpecialTokens) {
        StreamingDecoder decoder = tokenizer.streamingDecoder(skipSpecialTokens);
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            text.append(decoder.push(id));
        }
        return text.append(decoder.finish()).toString();
    }
}
