package org.neox4j.format.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neox4j.format.FormatException;

/**
 * The validated JSON header of a safetensors file: every entry's dtype is known, its shape ×
 * element size equals its byte range, and the ranges tile the data section exactly (no overlap,
 * no gap, nothing past the end), as the format's specification requires.
 */
record SafetensorsHeader(Map<String, Entry> entries, Map<String, String> metadata) {

    /** Largest header accepted; the reference implementation uses the same bound. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    record Entry(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {
    }

    static SafetensorsHeader parse(byte[] headerBytes, long dataSize, String source) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(source + ": safetensors header is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FormatException(source + ": safetensors header is not well-formed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new FormatException(source + ": safetensors header must be a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (var field : root.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("__metadata__")) {
                readMetadata(value, metadata, source);
            } else {
                entries.put(name, entry(name, value, source));
            }
        }
        checkLayout(entries, dataSize, source);
        return new SafetensorsHeader(entries, metadata);
    }

    private static void readMetadata(JsonNode value, Map<String, String> metadata, String source) {
        if (!value.isObject()) {
            throw new FormatException(source + ": __metadata__ must be an object of strings");
        }
        for (var m : value.properties()) {
            if (!m.getValue().isTextual()) {
                throw new FormatException(source + ": __metadata__ value '" + m.getKey() + "' must be a string");
            }
            metadata.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Entry entry(String name, JsonNode value, String source) {
        String where = source + ": tensor '" + name + "'";
        if (!value.isObject()) {
            throw new FormatException(where + ": header entry must be an object");
        }
        JsonNode dtypeNode = value.get("dtype");
        JsonNode shapeNode = value.get("shape");
        JsonNode offsets = value.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new FormatException(where + ": missing or non-string dtype");
        }
        SafetensorsDType dtype = SafetensorsDType.parse(dtypeNode.asText());
        if (dtype == null) {
            throw new FormatException(where + ": unknown dtype '" + dtypeNode.asText() + "'");
        }
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new FormatException(where + ": missing shape");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new FormatException(where + ": shape must hold non-negative integers, got " + shapeNode);
            }
            shape[i] = d.asLong();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException e) {
                throw new FormatException(where + ": shape " + shapeNode + " is too large");
            }
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw new FormatException(where + ": data_offsets must be [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new FormatException(where + ": invalid data_offsets [" + begin + ", " + end + "]");
        }
        long expected;
        try {
            expected = Math.multiplyExact(elements, (long) dtype.size);
        } catch (ArithmeticException e) {
            throw new FormatException(where + ": shape " + shapeNode + " is too large");
        }
        if (end - begin != expected) {
            throw new FormatException(where + ": " + dtype + " shape " + shapeNode + " needs " + expected
                    + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkLayout(Map<String, Entry> entries, long dataSize, String source) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long position = 0;
        for (Entry e : sorted) {
            if (e.end() > dataSize) {
                throw new FormatException(source + ": tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end()
                        + "] run past the end of the data section (" + dataSize + " bytes): file truncated?");
            }
            if (e.begin() < position) {
                throw new FormatException(source + ": tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end()
                        + "] overlap the previous tensor (which ends at " + position + ")");
            }
            if (e.begin() > position) {
                throw new FormatException(source + ": gap in the data section before tensor '" + e.name() + "' (bytes "
                        + position + ".." + e.begin() + " belong to no tensor)");
            }
            position = e.end();
        }
        if (position != dataSize) {
            throw new FormatException(source + ": data section is " + dataSize + " bytes but its tensors cover " + position);
        }
    }
}
