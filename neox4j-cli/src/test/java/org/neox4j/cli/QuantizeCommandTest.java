package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.format.gguf.GgmlType;
import org.neox4j.format.gguf.GgufFile;
import org.neox4j.testing.GoldenModel;

/** quantize writes a GGUF file that generate, info and every memory mode read; bad input exits 1 with one line. */
class QuantizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void quantizeThenGenerateFromTheGgufWithItsOwnTokenizer() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            Path out = dir.resolve("tiny.gguf");
            CliRun q = CliRun.run("quantize", "--model", golden.dir().toString(), "--dtype", "f16", "--out", out.toString());
            assertEquals(0, q.exitCode(), q.err());
            assertTrue(q.err().contains("wrote " + out), q.err());
            try (GgufFile f = GgufFile.open(out)) {
                assertEquals(GgmlType.F16, f.info("gpt_neox.layers.0.attention.query_key_value.weight").orElseThrow().type());
                assertEquals(GgmlType.F32, f.info("gpt_neox.layers.0.attention.query_key_value.bias").orElseThrow().type());
                assertEquals("gpt2", f.gguf().string("tokenizer.ggml.model"));
            }
            CliRun hf = CliRun.run("generate", "--model", golden.dir().toString(), "--prompt", "Hello", "--greedy", "-n", "8");
            for (String memory : new String[] {"mmap", "resident", "stream"}) {
                CliRun g = CliRun.run("generate", "--model", out.toString(), "--prompt", "Hello", "--greedy", "-n", "8",
                        "--memory", memory, "--verbose");
                assertEquals(0, g.exitCode(), g.err());
                assertEquals(hf.out(), g.out(), "same text from the GGUF file with --memory " + memory);
                assertTrue(g.err().contains("memory " + memory) && g.err().contains("peak RSS"), g.err());
            }
            CliRun info = CliRun.run("info", "--model", out.toString(), "--memory", "stream", "--max-resident", "64M");
            assertEquals(0, info.exitCode(), info.err());
            assertTrue(info.out().contains("tokenizer:        (in the GGUF metadata)"), info.out());
            assertTrue(info.out().contains("memory:           stream: the whole model"), info.out());
        }
    }

    @Test
    void q4_0GgufGeneratesTheSameFromItsRepackCache() throws Exception {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel")) {
            Path out = dir.resolve("tiny-q4_0.gguf");
            assertEquals(0, CliRun.run("quantize", "--model", golden.dir().toString(), "--dtype", "q4_0", "--out", out.toString()).exitCode());
            CliRun resident = CliRun.run("generate", "--model", out.toString(), "--prompt", "Hello", "--greedy", "-n", "8",
                    "--memory", "resident");
            Path cache = dir.resolve("repacked");
            for (String load : new String[] {"written at this load", "mapped from"}) {
                CliRun g = CliRun.run("generate", "--model", out.toString(), "--prompt", "Hello", "--greedy", "-n", "8",
                        "--repack-cache", cache.toString(), "--verbose");
                assertEquals(0, g.exitCode(), g.err());
                assertEquals(resident.out(), g.out(), "the resident mode's kernel, from the cache file");
                assertTrue(g.err().contains("Q4_0 matrices regrouped for the decode kernel, mapped from " + cache)
                        && g.err().contains(load), g.err());
            }
            try (var files = Files.list(cache)) {
                assertEquals(1, files.count());
            }
            CliRun wrong = CliRun.run("generate", "--model", out.toString(), "--prompt", "Hello", "--memory", "resident",
                    "--repack-cache", cache.toString());
            assertEquals(1, wrong.exitCode());
            assertTrue(wrong.err().contains("--repack-cache applies to --memory mmap (the default), without --no-repack"), wrong.err());
        }
    }

    @Test
    void errorsAreOneLine() throws Exception {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, "GGUF\u0001\0\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CliRun r = CliRun.run("generate", "--model", bad.toString(), "--prompt-token-ids", "1");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("generate: error: " + bad + ": GGUF version 1 is not supported"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        try (GoldenModel golden = GoldenModel.open("tiny-sequential")) {
            CliRun budget = CliRun.run("info", "--model", golden.dir().toString(), "--max-resident", "8G");
            assertEquals(1, budget.exitCode());
            assertTrue(budget.err().contains("--max-resident applies to --memory stream only"), budget.err());
            CliRun size = CliRun.run("info", "--model", golden.dir().toString(), "--memory", "stream", "--max-resident", "lots");
            assertTrue(size.err().contains("--max-resident: invalid size 'lots'"), size.err());
            CliRun type = CliRun.run("quantize", "--model", golden.dir().toString(), "--dtype", "q3_k", "--out", dir.resolve("x.gguf").toString());
            assertTrue(type.err().contains("unknown dtype 'q3_k'"), type.err());
        }
    }
}
