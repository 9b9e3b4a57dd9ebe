package org.neox4j.format.neox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neox4j.model.ConfigException;

/**
 * Reads the YAML of GPT-NeoX configuration files ({@code configs/20B.yml}): in practice a JSON
 * object with {@code #} comments, trailing commas and Python-style literals ({@code True},
 * {@code None}), sometimes written as block YAML ({@code key: value} lines, {@code - item}
 * lists). Values come back as {@link String}, {@link Long}, {@link Double}, {@link Boolean},
 * {@code null}, {@link List} and {@link Map} (insertion ordered).
 *
 * <p>One leniency: {@code 1e-05} is read as a number, where PyYAML (YAML 1.1) would read a string.
 */
public final class NeoxYaml {
    private static final int MAX_DEPTH = 100;

    private final String text;
    private final String source;
    private int pos;
    private int depth;

    private NeoxYaml(String text, String source) {
        this.text = text.replace("\r\n", "\n");
        this.source = source;
    }

    /** Reads one file. */
    public static Map<String, Object> read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and merges several files as GPT-NeoX does: top-level keys have {@code -} replaced by
     * {@code _}, and a key set by two files is an error naming both.
     */
    public static Map<String, Object> readAll(List<Path> files) {
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, Path> origin = new LinkedHashMap<>();
        for (Path file : files) {
            for (var e : read(file).entrySet()) {
                String key = e.getKey().replace('-', '_');
                Path first = origin.putIfAbsent(key, file);
                if (first != null) {
                    throw new ConfigException(file + ": key '" + key + "' is also set by " + first
                            + " (GPT-NeoX refuses duplicate keys across config files)");
                }
                merged.put(key, e.getValue());
            }
        }
        return merged;
    }

    /** Parses YAML text; {@code source} names it in error messages. */
    public static Map<String, Object> parse(String text, String source) {
        NeoxYaml p = new NeoxYaml(text, source);
        p.skipBlank(true);
        Map<String, Object> result;
        if (p.atEnd()) {
            return new LinkedHashMap<>();
        }
        if (p.peek() == '{') {
            result = p.flowMap();
        } else {
            result = p.blockMap(p.column());
        }
        p.skipBlank(true);
        if (!p.atEnd()) {
            throw p.error("unexpected text after the configuration");
        }
        return result;
    }

    // --- flow style: { "key": value, ... } and [a, b] -------------------------------------------

    private Object flowValue() {
        skipBlank(true);
        if (atEnd()) {
            throw error("a value is missing");
        }
        return switch (peek()) {
            case '{' -> flowMap();
            case '[' -> flowList();
            case '"', '\'' -> quoted();
            default -> YamlScalars.resolve(plain(true));
        };
    }

    private Map<String, Object> flowMap() {
        enter();
        pos++; // {
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipBlank(true);
            if (!atEnd() && peek() == '}') {
                pos++;
                depth--;
                return map;
            }
            String key = !atEnd() && (peek() == '"' || peek() == '\'') ? quoted() : plainUntilColon();
            skipBlank(true);
            if (!atEnd() && peek() == ':') {
                pos++;
                map.put(key, flowValue());
            } else if (!atEnd() && (peek() == ',' || peek() == '}')) {
                map.put(key, null); // {"key"}: a key without a value
            } else {
                throw error("expected ':' after key '" + key + "'");
            }
            skipBlank(true);
            if (!atEnd() && peek() == ',') {
                pos++;
            } else if (atEnd() || peek() != '}') {
                throw error("expected ',' or '}' after the value of '" + key + "'");
            }
        }
    }

    private List<Object> flowList() {
        enter();
        pos++; // [
        List<Object> list = new ArrayList<>();
        while (true) {
            skipBlank(true);
            if (!atEnd() && peek() == ']') {
                pos++;
                depth--;
                return list;
            }
            list.add(flowValue());
            skipBlank(true);
            if (!atEnd() && peek() == ',') {
                pos++;
            } else if (atEnd() || peek() != ']') {
                throw error("expected ',' or ']' in a list");
            }
        }
    }

    // --- block style: key: value lines, nested by indentation ----------------------------------

    private Map<String, Object> blockMap(int indent) {
        enter();
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipBlank(true);
            if (atEnd() || column() < indent) {
                depth--;
                return map;
            }
            if (column() > indent) {
                throw error("unexpected indentation");
            }
            String key = key();
            map.put(key, blockValue(indent));
        }
    }

    private List<Object> blockList(int indent) {
        enter();
        List<Object> list = new ArrayList<>();
        while (true) {
            skipBlank(true);
            if (atEnd() || column() != indent || !listItemStart()) {
                depth--;
                return list;
            }
            pos++; // -
            skipBlank(false);
            if (atLineEnd()) {
                list.add(nested(indent, false));
            } else if (peek() != '{' && peek() != '[' && peek() != '"' && peek() != '\'' && looksLikeKey()) {
                list.add(blockMap(column()));
            } else {
                list.add(inlineValue());
            }
        }
    }

    /** The value after {@code key:} in block style: inline on the same line, or nested below. */
    private Object blockValue(int indent) {
        skipBlank(false);
        return atLineEnd() ? nested(indent, true) : inlineValue();
    }

    private Object inlineValue() {
        Object value = switch (peek()) {
            case '{', '[' -> flowValue();
            case '"', '\'' -> quoted();
            default -> YamlScalars.resolve(plain(false));
        };
        skipBlank(false);
        if (!atLineEnd()) {
            throw error("unexpected text after a value");
        }
        return value;
    }

    /** A block nested under a key or list item at {@code indent}; null when there is none. */
    private Object nested(int indent, boolean underKey) {
        int save = pos;
        skipBlank(true);
        int col = column();
        if (atEnd()) {
            return null;
        }
        boolean list = listItemStart();
        if (col > indent || (underKey && col == indent && list)) {
            return list ? blockList(col) : blockMap(col);
        }
        pos = save;
        return null;
    }

    private boolean listItemStart() {
        return peek() == '-' && (pos + 1 >= text.length() || text.charAt(pos + 1) == ' ' || text.charAt(pos + 1) == '\n');
    }

    private boolean looksLikeKey() {
        int save = pos;
        try {
            plainUntilColon();
            return !atEnd() && peek() == ':';
        } catch (ConfigException e) {
            return false;
        } finally {
            pos = save;
        }
    }

    // --- tokens -------------------------------------------------------------------------------

    private String key() {
        String key = !atEnd() && (peek() == '"' || peek() == '\'') ? quoted() : plainUntilColon();
        skipBlank(false);
        if (atEnd() || peek() != ':') {
            throw error("expected ':' after key '" + key + "'");
        }
        pos++;
        return key;
    }

    private String plainUntilColon() {
        int start = pos;
        while (!atEnd() && peek() != ':' && peek() != '\n' && peek() != ',' && peek() != '{' && peek() != '}'
                && peek() != '[' && peek() != ']' && !commentStart()) {
            pos++;
        }
        String key = text.substring(start, pos).strip();
        if (key.isEmpty()) {
            throw error("a key is missing");
        }
        return key;
    }

    /** A plain (unquoted) scalar up to a comment, the end of the line, or (in flow style) , ] }. */
    private String plain(boolean flow) {
        int start = pos;
        while (!atEnd() && peek() != '\n' && !commentStart() && !(flow && (peek() == ',' || peek() == ']' || peek() == '}'))) {
            pos++;
        }
        String s = text.substring(start, pos).strip();
        if (s.isEmpty()) {
            throw error("a value is missing");
        }
        return s;
    }

    private String quoted() {
        char quote = text.charAt(pos++);
        StringBuilder s = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                if (quote == '\'' && !atEnd() && peek() == '\'') {
                    s.append('\'');
                    pos++;
                    continue;
                }
                return s.toString();
            }
            if (c == '\\' && quote == '"') {
                s.append(escape());
            } else {
                s.append(c);
            }
        }
    }

    private String escape() {
        if (atEnd()) {
            throw error("unterminated string");
        }
        char c = text.charAt(pos++);
        return switch (c) {
            case 'n' -> "\n";
            case 't' -> "\t";
            case 'r' -> "\r";
            case '0' -> "\0";
            case '"', '\\', '/', ' ' -> String.valueOf(c);
            case 'u' -> {
                if (pos + 4 > text.length()) {
                    throw error("truncated \\u escape");
                }
                try {
                    String hex = text.substring(pos, pos + 4);
                    pos += 4;
                    yield String.valueOf((char) Integer.parseInt(hex, 16));
                } catch (NumberFormatException e) {
                    throw error("malformed \\u escape");
                }
            }
            default -> throw error("unknown escape \\" + c);
        };
    }

    // --- position -------------------------------------------------------------------------------

    /** Skips spaces and comments, and newlines too when {@code newlines}. */
    private void skipBlank(boolean newlines) {
        while (!atEnd()) {
            char c = peek();
            if (c == ' ' || c == '\t' || (newlines && c == '\n')) {
                pos++;
            } else if (commentStart()) {
                while (!atEnd() && peek() != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private boolean commentStart() {
        return peek() == '#' && (pos == 0 || Character.isWhitespace(text.charAt(pos - 1)) || "{[,".indexOf(text.charAt(pos - 1)) >= 0);
    }

    private boolean atLineEnd() {
        return atEnd() || peek() == '\n';
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }

    private int column() {
        return pos - (text.lastIndexOf('\n', pos - 1) + 1);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " deep");
        }
    }

    private ConfigException error(String message) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new ConfigException(source + ":" + line + ":" + (column() + 1) + ": " + message);
    }
}
