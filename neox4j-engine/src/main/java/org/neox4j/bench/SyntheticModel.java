package org.neox4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.neox4j.ProgressListener;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Quantize;

/**
 * Writes a random-weight model of a real shape as a Hugging Face directory (config.json and one
 * model.safetensors), streaming: values are generated and written in 4 MiB pieces, so memory use
 * is constant whatever the model size (20B included).
 *
 * <p>Values: LayerNorm weights 1 and biases 0, linear biases 0, every matrix uniform with
 * standard deviation 0.02 (the configs' initializer_range). With LayerNorm before every
 * projection this keeps activations of order 1 through all layers, so logits stay finite.
 *
 * <p>Storage dtypes are those safetensors has (F32, F16, BF16). Quantized benchmarks store F16
 * and quantize at load ({@code --weights-dtype q4_0}); until neox4j writes GGUF there is no
 * standard file format for Q8_0/Q4_0 to write here, and a private one would only serve this tool.
 */
public final class SyntheticModel {
    private static final int PIECE = 1 << 20; // values per write

    private SyntheticModel() {
    }

    private record Entry(String name, long[] shape, boolean matrix, float fill) {
        long count() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** The dtype a synthesized file stores for a requested benchmark dtype. */
    public static DType storedDtype(DType requested) {
        return requested.isQuantized() ? DType.F16 : requested;
    }

    public static void write(ModelShape shape, DType requested, Path dir, long seed, ProgressListener progress) {
        DType dtype = storedDtype(requested);
        List<Entry> entries = entries(shape);
        entries.sort((a, b) -> a.name.compareTo(b.name));
        long total = 0;
        for (Entry e : entries) {
            total += e.count();
        }
        try {
            Files.createDirectories(dir);
            String torchDtype = switch (dtype) {
                case F32 -> "float32";
                case F16 -> "float16";
                default -> "bfloat16";
            };
            Files.writeString(dir.resolve("config.json"), shape.configJson(torchDtype));
            Path file = dir.resolve("model.safetensors");
            Path tmp = dir.resolve("model.safetensors.tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                writeHeader(ch, entries, dtype);
                progress.start("synthesizing " + shape.cliName() + " " + dtype.cliName(), total);
                ByteBuffer buf = ByteBuffer.allocateDirect(PIECE * 4).order(ByteOrder.LITTLE_ENDIAN);
                long state = seed;
                for (Entry e : entries) {
                    long left = e.count();
                    while (left > 0) {
                        int n = (int) Math.min(PIECE, left);
                        buf.clear();
                        for (int i = 0; i < n; i++) {
                            float v = e.fill;
                            if (e.matrix) {
                                state += 0x9E3779B97F4A7C15L;
                                v = uniform(mix(state));
                            }
                            switch (dtype) {
                                case F32 -> buf.putFloat(v);
                                case F16 -> buf.putShort(Float.floatToFloat16(v));
                                default -> buf.putShort(Quantize.toBf16(v));
                            }
                        }
                        buf.flip();
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                        left -= n;
                        progress.advance(n);
                    }
                }
                progress.finish();
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the synthetic model: " + e.getMessage(), e);
        }
    }

    /** Uniform on [-a, a) with a = 0.02·√3, i.e. standard deviation 0.02. */
    private static float uniform(long bits) {
        float u = (bits >>> 40) * 0x1p-24f; // [0, 1)
        return (2 * u - 1) * 0.034641016f;
    }

    /** SplitMix64's output function. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static List<Entry> entries(ModelShape s) {
        long h = s.hidden;
        long in = s.intermediate;
        List<Entry> list = new ArrayList<>();
        list.add(new Entry("gpt_neox.embed_in.weight", new long[] {s.vocab, h}, true, 0));
        list.add(new Entry("embed_out.weight", new long[] {s.vocab, h}, true, 0));
        list.add(new Entry("gpt_neox.final_layer_norm.weight", new long[] {h}, false, 1));
        list.add(new Entry("gpt_neox.final_layer_norm.bias", new long[] {h}, false, 0));
        for (int i = 0; i < s.layers; i++) {
            String p = "gpt_neox.layers." + i + ".";
            list.add(new Entry(p + "input_layernorm.weight", new long[] {h}, false, 1));
            list.add(new Entry(p + "input_layernorm.bias", new long[] {h}, false, 0));
            list.add(new Entry(p + "post_attention_layernorm.weight", new long[] {h}, false, 1));
            list.add(new Entry(p + "post_attention_layernorm.bias", new long[] {h}, false, 0));
            list.add(new Entry(p + "attention.query_key_value.weight", new long[] {3 * h, h}, true, 0));
            list.add(new Entry(p + "attention.query_key_value.bias", new long[] {3 * h}, false, 0));
            list.add(new Entry(p + "attention.dense.weight", new long[] {h, h}, true, 0));
            list.add(new Entry(p + "attention.dense.bias", new long[] {h}, false, 0));
            list.add(new Entry(p + "mlp.dense_h_to_4h.weight", new long[] {in, h}, true, 0));
            list.add(new Entry(p + "mlp.dense_h_to_4h.bias", new long[] {in}, false, 0));
            list.add(new Entry(p + "mlp.dense_4h_to_h.weight", new long[] {h, in}, true, 0));
            list.add(new Entry(p + "mlp.dense_4h_to_h.bias", new long[] {h}, false, 0));
        }
        return list;
    }

    private static void writeHeader(FileChannel ch, List<Entry> entries, DType dtype) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        int width = dtype == DType.F32 ? 4 : 2;
        for (Entry e : entries) {
            ObjectNode node = header.putObject(e.name);
            node.put("dtype", dtype.name());
            var shape = node.putArray("shape");
            for (long d : e.shape) {
                shape.add(d);
            }
            long bytes = e.count() * width;
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] text = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(text);
        while (b.hasRemaining()) {
            b.put((byte) ' ');
        }
        b.flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
