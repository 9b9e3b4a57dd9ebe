package org.neox4j.server.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a GPT-NeoX model with random float16 weights in Hugging Face's layout (config.json and
 * model.safetensors), streamed tensor by tensor so that no more than one buffer is in memory.
 * Speed does not depend on the values, so benchmarks need no real weights.
 */
final class RandomModel {
    record Shape(int vocab, int hidden, int layers, int heads, int intermediate, int context) {
    }

    /** Pythia-410M: 24 layers of 1024, 16 heads, 50304 tokens, 2048 positions. */
    static final Shape PYTHIA_410M = new Shape(50304, 1024, 24, 16, 4096, 2048);

    private record Entry(String name, long[] shape, boolean norm) {
        long count() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private RandomModel() {
    }

    static void write(Path dir, Shape s, Path tokenizer) throws IOException {
        Files.createDirectories(dir);
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry("gpt_neox.embed_in.weight", new long[] {s.vocab(), s.hidden()}, false));
        for (int l = 0; l < s.layers(); l++) {
            String p = "gpt_neox.layers." + l + ".";
            entries.add(new Entry(p + "input_layernorm.weight", new long[] {s.hidden()}, true));
            entries.add(new Entry(p + "input_layernorm.bias", new long[] {s.hidden()}, false));
            entries.add(new Entry(p + "post_attention_layernorm.weight", new long[] {s.hidden()}, true));
            entries.add(new Entry(p + "post_attention_layernorm.bias", new long[] {s.hidden()}, false));
            entries.add(new Entry(p + "attention.query_key_value.weight", new long[] {3L * s.hidden(), s.hidden()}, false));
            entries.add(new Entry(p + "attention.query_key_value.bias", new long[] {3L * s.hidden()}, false));
            entries.add(new Entry(p + "attention.dense.weight", new long[] {s.hidden(), s.hidden()}, false));
            entries.add(new Entry(p + "attention.dense.bias", new long[] {s.hidden()}, false));
            entries.add(new Entry(p + "mlp.dense_h_to_4h.weight", new long[] {s.intermediate(), s.hidden()}, false));
            entries.add(new Entry(p + "mlp.dense_h_to_4h.bias", new long[] {s.intermediate()}, false));
            entries.add(new Entry(p + "mlp.dense_4h_to_h.weight", new long[] {s.hidden(), s.intermediate()}, false));
            entries.add(new Entry(p + "mlp.dense_4h_to_h.bias", new long[] {s.hidden()}, false));
        }
        entries.add(new Entry("gpt_neox.final_layer_norm.weight", new long[] {s.hidden()}, true));
        entries.add(new Entry("gpt_neox.final_layer_norm.bias", new long[] {s.hidden()}, false));
        entries.add(new Entry("embed_out.weight", new long[] {s.vocab(), s.hidden()}, false));

        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Entry e : entries) {
            long bytes = e.count() * 2;
            header.append(header.length() > 1 ? "," : "").append('"').append(e.name()).append("\":{\"dtype\":\"F16\",\"shape\":[")
                    .append(e.shape()[0]).append(e.shape().length > 1 ? "," + e.shape()[1] : "").append("],\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] head = header.toString().getBytes(StandardCharsets.US_ASCII);
        Path tmp = dir.resolve("model.safetensors.part");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, head.length));
            ch.write(ByteBuffer.wrap(head));
            SplittableRandom random = new SplittableRandom(42);
            ByteBuffer buf = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                for (long i = 0; i < e.count(); i++) {
                    // weights ~ U(-0.035, 0.035) (std 0.02, as the initialiser); norm scales 1, biases small
                    float v = e.norm() ? 1f : (float) ((random.nextDouble() * 2 - 1) * 0.0346);
                    buf.putShort(Float.floatToFloat16(v));
                    if (!buf.hasRemaining()) {
                        buf.flip();
                        ch.write(buf);
                        buf.clear();
                    }
                }
            }
            buf.flip();
            ch.write(buf);
        }
        Files.move(tmp, dir.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "torch_dtype": "float16",
                 "vocab_size": %d, "hidden_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                 "intermediate_size": %d, "max_position_embeddings": %d, "rotary_pct": 0.25, "rotary_emb_base": 10000,
                 "layer_norm_eps": 1e-05, "use_parallel_residual": true, "hidden_act": "gelu", "tie_word_embeddings": false,
                 "attention_bias": true, "bos_token_id": 0, "eos_token_id": 0}
                """.formatted(s.vocab(), s.hidden(), s.layers(), s.heads(), s.intermediate(), s.context()));
        Files.copy(tokenizer, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    }
}
