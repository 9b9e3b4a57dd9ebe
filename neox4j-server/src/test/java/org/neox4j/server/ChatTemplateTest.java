package org.neox4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.Neox4jException;

class ChatTemplateTest {
    private static final List<ChatTemplate.Message> TALK = List.of(
            new ChatTemplate.Message("user", "Hi"), new ChatTemplate.Message("assistant", "Hello!"),
            new ChatTemplate.Message("user", "Name a colour."));

    @Test
    void plainIsTheDefault() {
        assertEquals("User: Hi\nAssistant: Hello!\nUser: Name a colour.\nAssistant:", ChatTemplate.resolve("plain").render(TALK));
        assertEquals(ChatTemplate.defaultTemplate(), ChatTemplate.resolve("plain"));
    }

    @Test
    void dollyFollowsItsTrainingFormat() {
        String p = ChatTemplate.resolve("dolly").render(List.of(new ChatTemplate.Message("user", "What is 2+2?")));
        assertEquals("Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
                + "### Instruction:\nWhat is 2+2?\n\n### Response:\n", p);
        assertTrue(ChatTemplate.resolve("dolly").stop().contains("### End"));
    }

    @Test
    void redPajamaAndOpenAssistant() {
        assertEquals("<human>: Hi\n<bot>: Hello!\n<human>: Name a colour.\n<bot>:", ChatTemplate.resolve("redpajama").render(TALK));
        assertEquals("<|system|>Be brief.<|endoftext|><|prompter|>Hi<|endoftext|><|assistant|>",
                ChatTemplate.resolve("oasst").render(List.of(new ChatTemplate.Message("system", "Be brief."),
                        new ChatTemplate.Message("user", "Hi"))));
    }

    @Test
    void aTemplateFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.json");
        Files.writeString(file, "{\"system\": \"[S]{content}\\n\", \"user\": \"Q: {content}\\n\", \"assistant\": \"A: {content}\\n\","
                + " \"generation_prompt\": \"A:\", \"stop\": [\"\\nQ:\"]}");
        ChatTemplate t = ChatTemplate.resolve(file.toString());
        assertEquals("Q: Hi\nA: Hello!\nQ: Name a colour.\nA:", t.render(TALK));
        assertEquals(List.of("\nQ:"), t.stop());
        Files.writeString(file, "{\"system\": \"x\", \"user\": \"{content}\", \"assistant\": \"{content}\", \"generation_prompt\": \"\"}");
        Neox4jException e = assertThrows(Neox4jException.class, () -> ChatTemplate.resolve(file.toString()));
        assertTrue(e.getMessage().contains("system format must contain {content}"), e.getMessage());
        Neox4jException missing = assertThrows(Neox4jException.class, () -> ChatTemplate.resolve("no-such-template"));
        assertTrue(missing.getMessage().contains("[dolly, oasst, plain, redpajama]"), missing.getMessage());
    }
}
