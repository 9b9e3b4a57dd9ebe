package org.neox4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** Checked access to the JSON tree of a tokenizer file; every failure names the file and the field. */
final class Json {
    private Json() {
    }

    static void requireObject(JsonNode node, String what, String source) {
        if (node == null || !node.isObject()) {
            throw new TokenizerException(source + ": " + what + " must be a JSON object, found "
                    + (node == null ? "nothing" : node.getNodeType()));
        }
    }

    /** Fails on keys outside {@code known}: an option neox4j does not know might change the result. */
    static void allowOnly(JsonNode object, String what, String source, String... known) {
        Set<String> allowed = Set.of(known);
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new TokenizerException(source + ": " + what + " has option '" + key
                        + "', which neox4j does not support");
            }
        }
    }

    static void requireNull(JsonNode object, String key, String source) {
        JsonNode value = object.get(key);
        if (value != null && !value.isNull()) {
            throw new TokenizerException(source + ": " + key + " is set, which neox4j does not support (expected null)");
        }
    }

    /** The {@code type} of a component. */
    static String type(JsonNode component, String what, String source) {
        requireObject(component, what, source);
        JsonNode type = component.get("type");
        if (type == null || !type.isTextual()) {
            throw new TokenizerException(source + ": " + what + " has no \"type\"");
        }
        return type.asText();
    }

    /** An optional boolean option; {@code fallback} when absent or null. */
    static boolean flag(JsonNode object, String key, boolean fallback, String what, String source) {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new TokenizerException(source + ": " + what + "." + key + " must be true or false, found " + value);
        }
        return value.booleanValue();
    }

    static boolean requiredFlag(JsonNode object, String key, String what, String source) {
        JsonNode value = object.get(key);
        if (value == null || !value.isBoolean()) {
            throw new TokenizerException(source + ": " + what + " needs \"" + key + "\": true or false");
        }
        return value.booleanValue();
    }

    static String string(JsonNode value, String what, String source) {
        if (value == null || !value.isTextual()) {
            throw new TokenizerException(source + ": " + what + " must be a string, found "
                    + (value == null ? "nothing" : value.getNodeType()));
        }
        String text = value.textValue();
        if (!Text.withoutLoneSurrogates(text).equals(text)) {
            throw new TokenizerException(source + ": " + what + " contains an unpaired surrogate, which is not Unicode text");
        }
        return text;
    }

    /** A token id: an integer in {@code [0, max]}. */
    static int id(JsonNode value, String what, int max, String source) {
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0 || value.intValue() > max) {
            throw new TokenizerException(source + ": " + what + " must be a token id from 0 to " + max + ", found "
                    + (value == null ? "nothing" : value));
        }
        return value.intValue();
    }
}
