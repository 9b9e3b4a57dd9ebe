package org.neox4j.format.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.Neox4jException;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.Activation;
import org.neox4j.model.Config;
import org.neox4j.model.GgufConfig;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.RopeScaling;
import org.neox4j.tokenizer.BpeVocabulary;
import org.neox4j.tokenizer.TokenKind;

/**
 * Seeded mutation fuzzing of the whole GGUF path (header, metadata, config, tokenizer, weights,
 * one forward pass): thousands of bit flips, truncations, corrupted length and type fields,
 * deleted and repeated ranges of a valid file. Every case must either load or fail with a
 * {@link Neox4jException}: never another exception, an out-of-memory or a hang (the timeout is
 * only a guard against hangs; the cases take a few seconds together).
 */
class GgufFuzzTest {
    static final int CASES = 3000;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void mutatedFilesFailCleanly() throws IOException {
        Path seedFile = dir.resolve("seed.gguf");
        writeSeed(seedFile);
        byte[] seed = Files.readAllBytes(seedFile);
        assertEquals("ok", attempt(seedFile), "the unmutated seed loads and runs");
        int loaded = 0;
        int rejected = 0;
        Path p = dir.resolve("case.gguf");
        for (int i = 0; i < CASES; i++) {
            Random random = new Random(0x6775_6600L + i);
            byte[] mutated = mutate(seed, random);
            Files.write(p, mutated);
            String outcome = attempt(p);
            if (outcome.equals("ok")) {
                loaded++;
            } else if (outcome.equals("rejected")) {
                rejected++;
            } else {
                fail("case " + i + " (seed " + (0x6775_6600L + i) + "): " + outcome);
            }
        }
        System.out.printf("GGUF fuzz: %d cases, %d loaded, %d rejected with a clear error%n", CASES, loaded, rejected);
        assertTrue(rejected > CASES / 4, "most mutations should be caught, only " + rejected + " were");
    }

    /** "ok", "rejected" (a clean Neox4jException), or a description of anything else. */
    private static String attempt(Path file) {
        try (LanguageModel lm = LanguageModel.load(file, LoadOptions.defaults().withThreads(1))) {
            lm.requireTokenizer().encode("ab a  b");
            lm.model().network().forward(lm.model().network().newCache(4), new int[] {1, 2});
            return "ok";
        } catch (Neox4jException e) {
            return "rejected";
        } catch (Throwable t) {
            java.io.StringWriter trace = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(trace));
            return trace.toString();
        }
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        // Most of what can lie is in the header; aim there more often than at tensor data.
        int headerEnd = Math.min(b.length, 2600);
        int pos = random.nextInt(random.nextInt(4) == 0 ? b.length : headerEnd);
        switch (random.nextInt(6)) {
            case 0 -> {
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    int at = random.nextInt(headerEnd);
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                long[] lies = {0, -1, Long.MAX_VALUE, 1L << 32, 1L << 62, random.nextInt(100_000), b.length, -8};
                long v = lies[random.nextInt(lies.length)];
                for (int k = 0; k < 8 && pos + k < b.length; k++) {
                    b[pos + k] = (byte) (v >>> (8 * k));
                }
            }
            case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            case 3 -> {
                int v = random.nextInt(40);
                for (int k = 0; k < 4 && pos + k < b.length; k++) {
                    b[pos + k] = (byte) (v >>> (8 * k));
                }
            }
            case 4 -> {
                int len = 1 + random.nextInt(Math.min(64, b.length - pos));
                byte[] shorter = new byte[b.length - len];
                System.arraycopy(b, 0, shorter, 0, pos);
                System.arraycopy(b, pos + len, shorter, pos, b.length - pos - len);
                b = shorter;
            }
            default -> {
                int len = 1 + random.nextInt(Math.min(64, b.length - pos));
                byte[] longer = new byte[b.length + len];
                System.arraycopy(b, 0, longer, 0, pos + len);
                System.arraycopy(b, pos, longer, pos + len, b.length - pos);
                b = longer;
            }
        }
        return b;
    }

    /** A complete tiny gptneox model with every tensor type neox4j computes with, and a tokenizer. */
    static void writeSeed(Path file) {
        Config c = new Config(8, 32, 1, 2, 64, 4, 10000, RopeScaling.NONE, 64, 1e-5, true, Activation.GELU_FAST,
                false, true, 0, List.of(0));
        GgufWriter w = new GgufWriter();
        GgufConfig.write(w, c, "fuzz-seed");
        BpeVocabulary v = new BpeVocabulary(List.of("<|endoftext|>", "a", "b", "ab", "Ġ", "Ġa", "  "),
                List.of(TokenKind.SPECIAL, TokenKind.NORMAL, TokenKind.NORMAL, TokenKind.NORMAL, TokenKind.NORMAL,
                        TokenKind.NORMAL, TokenKind.ADDED),
                List.of("a b", "Ġ a"), true);
        GgufVocabulary.write(w, v, 8, 0, 0);
        w.addTensor("token_embd.weight", GgmlType.Q8_0, new long[] {8, 32});
        String[][] vectors = {{"attn_norm", "32"}, {"attn_qkv", "96"}, {"attn_output", "32"}, {"ffn_norm", "32"},
            {"ffn_up", "64"}, {"ffn_down", "32"}};
        for (String[] vec : vectors) {
            if (vec[0].equals("attn_norm") || vec[0].equals("ffn_norm")) {
                w.addTensor("blk.0." + vec[0] + ".weight", GgmlType.F32, new long[] {32});
            }
            w.addTensor("blk.0." + vec[0] + ".bias", GgmlType.F32, new long[] {Long.parseLong(vec[1])});
        }
        w.addTensor("blk.0.attn_qkv.weight", GgmlType.F16, new long[] {96, 32});
        w.addTensor("blk.0.attn_output.weight", GgmlType.BF16, new long[] {32, 32});
        w.addTensor("blk.0.ffn_up.weight", GgmlType.Q4_0, new long[] {64, 32});
        w.addTensor("blk.0.ffn_down.weight", GgmlType.F32, new long[] {32, 64});
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {32});
        w.addTensor("output_norm.bias", GgmlType.F32, new long[] {32});
        w.addTensor("output.weight", GgmlType.Q8_0, new long[] {8, 32});
        Random random = new Random(1);
        w.write(file, (info, sink) -> {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) info.byteSize()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int blockBytes = info.type().blockBytes();
            while (bytes.hasRemaining()) {
                switch (info.type()) {
                    case F32 -> bytes.putFloat((float) random.nextGaussian() * 0.1f);
                    case F16 -> bytes.putShort(Float.floatToFloat16((float) random.nextGaussian() * 0.1f));
                    case BF16 -> bytes.putShort((short) (Float.floatToRawIntBits((float) random.nextGaussian() * 0.1f) >>> 16));
                    default -> {
                        bytes.putShort(Float.floatToFloat16(0.01f));
                        for (int k = 2; k < blockBytes; k++) {
                            bytes.put((byte) random.nextInt());
                        }
                    }
                }
            }
            sink.write(bytes.flip());
        });
    }
}
