package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code neox4j serve} refuses bad options before loading anything (the server itself is tested in neox4j-server). */
class ServeCommandTest {

    @Test
    void unknownChatTemplate() {
        CliRun r = CliRun.run("serve", "-m", "/nonexistent", "--chat-template", "no-such-template");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("chat template 'no-such-template' is neither a built-in template [dolly, oasst, plain, redpajama]"), r.err());
    }

    @Test
    void badSizes() {
        CliRun r = CliRun.run("serve", "-m", "/nonexistent", "--kv-cache-budget", "12XB");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("invalid size '12XB'"), r.err());
    }

    @Test
    void sizesParse() {
        assertEquals(512L << 20, Sizes.parse("512MiB"));
        assertEquals(2L << 30, Sizes.parse("2G"));
        assertEquals(1536, Sizes.parse("1.5 KiB"));
        assertEquals(100, Sizes.parse("100"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("GiB"));
    }

    @Test
    void listedInHelp() {
        CliRun r = CliRun.run("serve", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("--kv-cache-budget") && r.out().contains("--chat-template"), r.out());
    }
}
