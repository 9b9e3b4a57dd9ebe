package org.neox4j.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.neox4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code neox4j tokenize}: text to token ids and back, with the GPT-NeoX tokenizer of a file or
 * model directory. Input and output are UTF-8 whatever the locale, so decoded text is exact.
 */
@Command(
        name = "tokenize",
        header = "Encode text to token ids, or decode ids to text.",
        mixinStandardHelpOptions = true,
        description = {
            "Encode text to token ids (printed on one line, separated by spaces),",
            "or decode ids to text with --decode. Without TEXT, reads all of stdin.",
            "With --jsonl, each stdin line is {\"text\": ...} and each output line",
            "{\"ids\": [...]}; with --jsonl --decode, the other way round.",
            "Input and output are UTF-8.",
        },
        footer = {
            "",
            "Examples:",
            "  neox4j tokenize --tokenizer models/pythia-70m 'Hello world'",
            "      12092 1533",
            "  neox4j tokenize --tokenizer 20B_tokenizer.json --decode 12092,1533",
            "      Hello world",
        })
final class TokenizeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE_OR_MODEL_DIR",
            description = "A tokenizer.json, or a model directory holding tokenizer.json or 20B_tokenizer.json.")
    Path tokenizerPath;

    @Option(names = "--decode", description = "Decode ids (separated by spaces or commas) to text.")
    boolean decode;

    @Option(names = "--jsonl", description = "Read JSON lines from stdin and write one JSON line per input line.")
    boolean jsonl;

    @Option(names = "--json", description = "Print a JSON object: ids and token strings, or the decoded text.")
    boolean json;

    @Option(names = "--skip-special-tokens", description = "When decoding, leave out special tokens such as <|endoftext|>.")
    boolean skipSpecialTokens;

    @Parameters(paramLabel = "TEXT", arity = "0..*",
            description = "Text to encode (several arguments are joined by single spaces), or ids with --decode.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (jsonl && !arguments.isEmpty()) {
            throw new IllegalArgumentException("--jsonl reads stdin; do not also give TEXT arguments");
        }
        Tokenizer tokenizer = Tokenizer.load(tokenizerPath);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            if (jsonl) {
                int lineNumber = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lineNumber++;
                    out.println(decode ? decodeLine(tokenizer, line, lineNumber) : encodeLine(tokenizer, line, lineNumber));
                }
            } else if (decode) {
                int[] ids = parseIds(tokenizer, arguments.isEmpty() ? List.of(readAll(in)) : arguments);
                String text = tokenizer.decode(ids, skipSpecialTokens);
                out.println(json ? JSON.createObjectNode().put("text", text).toString() : text);
            } else {
                String text = arguments.isEmpty() ? readAll(in) : String.join(" ", arguments);
                int[] ids = tokenizer.encode(text);
                out.println(json ? encoded(tokenizer, ids).toString() : joinIds(ids));
            }
        } finally {
            out.flush();
        }
        return 0;
    }

    private String encodeLine(Tokenizer tokenizer, String line, int lineNumber) {
        JsonNode text = readLine(line, lineNumber).get("text");
        if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException("stdin line " + lineNumber + ": expected {\"text\": \"...\"}");
        }
        int[] ids = tokenizer.encode(text.textValue());
        if (json) {
            return encoded(tokenizer, ids).toString();
        }
        ObjectNode result = JSON.createObjectNode();
        ArrayNode array = result.putArray("ids");
        for (int id : ids) {
            array.add(id);
        }
        return result.toString();
    }

    private String decodeLine(Tokenizer tokenizer, String line, int lineNumber) {
        JsonNode ids = readLine(line, lineNumber).get("ids");
        if (ids == null || !ids.isArray()) {
            throw new IllegalArgumentException("stdin line " + lineNumber + ": expected {\"ids\": [...]}");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode id : ids) {
            values.add(id.isIntegralNumber() ? id.asText() : id.toString());
        }
        int[] parsed;
        try {
            parsed = parseIds(tokenizer, values);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stdin line " + lineNumber + ": " + e.getMessage(), e);
        }
        return JSON.createObjectNode().put("text", tokenizer.decode(parsed, skipSpecialTokens)).toString();
    }

    private static JsonNode readLine(String line, int lineNumber) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("stdin line " + lineNumber + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        throw new IllegalArgumentException("stdin line " + lineNumber + ": expected a JSON object");
    }

    private ObjectNode encoded(Tokenizer tokenizer, int[] ids) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode idArray = result.putArray("ids");
        ArrayNode tokenArray = result.putArray("tokens");
        for (int id : ids) {
            idArray.add(id);
            tokenArray.add(tokenizer.tokenString(id));
        }
        return result;
    }

    /** Ids from arguments such as {@code "12092 1533"} or {@code "12092,1533"}; each must have a token. */
    private static int[] parseIds(Tokenizer tokenizer, List<String> values) {
        List<Integer> ids = new ArrayList<>();
        for (String value : values) {
            for (String part : value.trim().split("[\\s,]+")) {
                if (part.isEmpty()) {
                    continue;
                }
                int id;
                try {
                    id = Integer.parseInt(part);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a token id: '" + part + "'");
                }
                if (tokenizer.tokenString(id) == null) {
                    throw new IllegalArgumentException("token id " + id + " has no token in this tokenizer (it has "
                            + tokenizer.size() + " tokens)");
                }
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String joinIds(int[] ids) {
        StringBuilder line = new StringBuilder();
        for (int id : ids) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(id);
        }
        return line.toString();
    }

    private static String readAll(BufferedReader in) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            text.append(buffer, 0, n);
        }
        return text.toString();
    }
}
