package org.neox4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.neox4j.Neox4jException;

/**
 * Turns chat messages into a prompt for a model of the family: each message is written with its
 * role's format ({@code {content}} stands for the text), then the generation prompt cues the
 * assistant's turn. The template's stop strings end the reply at the next turn.
 *
 * @param name how it is selected ({@code --chat-template NAME}) or the file it came from
 * @param defaultSystem the system text used when the messages have none (may be null: none)
 * @param system format of a system message
 * @param user format of a user message
 * @param assistant format of an earlier assistant message
 * @param generationPrompt appended after the last message
 * @param stop stop strings added to every chat request
 */
public record ChatTemplate(String name, String defaultSystem, String system, String user, String assistant,
                           String generationPrompt, List<String> stop) {

    public static final String CONTENT = "{content}";

    /** The built-in templates by name; {@code plain} is the default. */
    public static final Map<String, ChatTemplate> BUILT_IN = Map.of(
            "plain", new ChatTemplate("plain", null, "{content}\n\n", "User: {content}\n", "Assistant: {content}\n",
                    "Assistant:", List.of("\nUser:")),
            "dolly", new ChatTemplate("dolly",
                    "Below is an instruction that describes a task. Write a response that appropriately completes the request.",
                    "{content}\n\n", "### Instruction:\n{content}\n\n", "### Response:\n{content}\n\n### End\n\n",
                    "### Response:\n", List.of("### End", "### Instruction:")),
            "redpajama", new ChatTemplate("redpajama", null, "{content}\n", "<human>: {content}\n", "<bot>: {content}\n",
                    "<bot>:", List.of("<human>:")),
            "oasst", new ChatTemplate("oasst", null, "<|system|>{content}<|endoftext|>", "<|prompter|>{content}<|endoftext|>",
                    "<|assistant|>{content}<|endoftext|>", "<|assistant|>", List.of("<|prompter|>")));

    public ChatTemplate {
        for (String[] f : new String[][] {{"system", system}, {"user", user}, {"assistant", assistant}}) {
            if (f[1] == null || !f[1].contains(CONTENT)) {
                throw new IllegalArgumentException("chat template " + name + ": the " + f[0] + " format must contain " + CONTENT);
            }
        }
        if (generationPrompt == null) {
            throw new IllegalArgumentException("chat template " + name + ": generation_prompt must be given (may be empty)");
        }
        stop = List.copyOf(stop);
    }

    public static ChatTemplate defaultTemplate() {
        return BUILT_IN.get("plain");
    }

    /**
     * A built-in template by name, or a JSON file with the fields {@code system}, {@code user},
     * {@code assistant}, {@code generation_prompt} and optionally {@code default_system} and
     * {@code stop} (a list of strings).
     */
    public static ChatTemplate resolve(String nameOrFile) {
        ChatTemplate builtIn = BUILT_IN.get(nameOrFile);
        if (builtIn != null) {
            return builtIn;
        }
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new Neox4jException("chat template '" + nameOrFile + "' is neither a built-in template "
                    + BUILT_IN.keySet().stream().sorted().toList() + " nor a file");
        }
        try {
            JsonNode n = new ObjectMapper().readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new Neox4jException(file + ": a chat template file must hold a JSON object");
            }
            List<String> stop = new ArrayList<>();
            for (JsonNode s : n.path("stop")) {
                stop.add(s.asText());
            }
            return new ChatTemplate(file.toString(), text(n, "default_system"), text(n, "system"), text(n, "user"),
                    text(n, "assistant"), text(n, "generation_prompt"), stop);
        } catch (IOException e) {
            throw new Neox4jException(file + ": cannot read the chat template: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new Neox4jException(file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** One chat message: role {@code system}, {@code user} or {@code assistant}. */
    public record Message(String role, String content) {
    }

    /** The prompt for the assistant's next reply. */
    public String render(List<Message> messages) {
        StringBuilder out = new StringBuilder();
        boolean hasSystem = messages.stream().anyMatch(m -> m.role().equals("system"));
        if (!hasSystem && defaultSystem != null) {
            out.append(fill(system, defaultSystem));
        }
        for (Message m : messages) {
            String format = switch (m.role()) {
                case "system" -> system;
                case "user" -> user;
                case "assistant" -> assistant;
                default -> throw new IllegalArgumentException("unknown chat role " + m.role());
            };
            out.append(fill(format, m.content()));
        }
        return out.append(generationPrompt).toString();
    }

    private static String fill(String format, String content) {
        return format.replace(CONTENT, content);
    }
}
