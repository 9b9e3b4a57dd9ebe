package org.neox4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads and checks chat {@code messages}: roles system (or developer), user and assistant, text content. */
final class ChatMessages {
    static final int MAX_MESSAGES = 1000;

    private ChatMessages() {
    }

    static List<ChatTemplate.Message> read(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' must be a non-empty list of {role, content} objects");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw ApiException.invalid("messages", "at most " + MAX_MESSAGES + " messages, got " + messages.size());
        }
        List<ChatTemplate.Message> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String param = "messages[" + i + "]";
            Params m = new Params(messages.get(i), Set.of("role", "content", "name"));
            String role = m.string("role");
            if (role == null) {
                throw ApiException.invalid(param + ".role", "Missing required parameter: '" + param + ".role'");
            }
            role = switch (role) {
                case "system", "developer" -> "system";
                case "user", "assistant" -> role;
                default -> throw ApiException.invalid(param + ".role",
                        "role '" + role + "' is not supported: use system, developer, user or assistant");
            };
            m.string("name");
            out.add(new ChatTemplate.Message(role, content(m.node("content"), param + ".content")));
        }
        return out;
    }

    /** A string, or a list of {@code {"type": "text", "text": ...}} parts joined together. */
    private static String content(JsonNode content, String param) {
        if (content == null) {
            throw ApiException.invalid(param, "Missing required parameter: '" + param + "'");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                Params p = new Params(part, Set.of("type", "text"));
                if (!"text".equals(p.string("type")) || p.string("text") == null) {
                    throw ApiException.invalid(param, "only text content parts (type \"text\") are supported");
                }
                text.append(p.string("text"));
            }
            return text.toString();
        }
        throw ApiException.invalid(param, "'" + param + "' must be a string or a list of text parts");
    }
}
