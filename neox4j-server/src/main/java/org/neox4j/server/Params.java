package org.neox4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict reading of a JSON request body: unknown fields, wrong types and values out of range are
 * 400 errors that name the parameter. Absent and {@code null} fields read as null (the default).
 */
final class Params {
    private final JsonNode body;

    Params(JsonNode body, Set<String> allowed) {
        if (body == null || !body.isObject()) {
            throw ApiException.badJson("the request body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new ApiException(400, "invalid_request_error", name, "unknown_parameter",
                        "Unrecognized request argument supplied: " + name);
            }
        }
        this.body = body;
    }

    /** The raw value, or null when absent or JSON null. */
    JsonNode node(String name) {
        JsonNode v = body.get(name);
        return v == null || v.isNull() ? null : v;
    }

    JsonNode required(String name) {
        JsonNode v = node(name);
        if (v == null) {
            throw ApiException.invalid(name, "Missing required parameter: '" + name + "'");
        }
        return v;
    }

    Integer integer(String name, long min, long max) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ApiException.invalid(name, "'" + name + "' must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return (int) v.asLong();
    }

    Long longValue(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalid(name, "'" + name + "' must be a 64-bit integer, got " + v);
        }
        return v.asLong();
    }

    Double number(String name, double min, double max) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw ApiException.invalid(name, "'" + name + "' must be a number in [" + min + ", " + max + "], got " + v);
        }
        return v.asDouble();
    }

    Boolean bool(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalid(name, "'" + name + "' must be a boolean, got " + v);
        }
        return v.asBoolean();
    }

    String string(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(name, "'" + name + "' must be a string, got " + v.getNodeType().name().toLowerCase());
        }
        return v.asText();
    }

    /** A string or a list of strings, as a list (empty when absent). */
    List<String> strings(String name, int maxItems, int maxLength) {
        JsonNode v = node(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            for (JsonNode item : v) {
                if (!item.isTextual()) {
                    throw ApiException.invalid(name, "'" + name + "' must be a string or a list of strings");
                }
                out.add(item.asText());
            }
        } else {
            throw ApiException.invalid(name, "'" + name + "' must be a string or a list of strings");
        }
        if (out.size() > maxItems) {
            throw ApiException.invalid(name, "'" + name + "' takes at most " + maxItems + " items, got " + out.size());
        }
        for (String s : out) {
            if (s.isEmpty() || s.length() > maxLength) {
                throw ApiException.invalid(name, "each '" + name + "' string must be 1.." + maxLength + " characters long");
            }
        }
        return out;
    }

    /** Accepted only when absent, null, or an empty object/array/string (features not supported). */
    void unsupportedUnlessEmpty(String name) {
        JsonNode v = node(name);
        boolean empty = v == null || v.isContainerNode() && v.isEmpty() || v.isTextual() && v.asText().isEmpty();
        if (!empty) {
            throw new ApiException(400, "invalid_request_error", name, "unsupported_parameter",
                    "'" + name + "' is not supported by this server");
        }
    }
}
