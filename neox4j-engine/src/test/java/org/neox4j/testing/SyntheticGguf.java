package org.neox4j.testing;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.neox4j.format.gguf.GgmlType;
import org.neox4j.format.gguf.GgufTensorInfo;
import org.neox4j.format.gguf.GgufWriter;
import org.neox4j.model.Config;
import org.neox4j.model.GgufConfig;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Quantize;

/**
 * Random-weight gptneox GGUF files of any shape, written in constant memory (no tokenizer), with
 * F32 or F16 matrices. Matrix values repeat a 1 MiB block of random normals (scaled by the row
 * length), so that even a 40 GB file is written at disk speed; norms are 1, biases random.
 */
public final class SyntheticGguf {
    private SyntheticGguf() {
    }

    public static void write(Path file, Config c, long seed) {
        write(file, c, GgmlType.F32, seed);
    }

    public static void write(Path file, Config c, GgmlType matrices, long seed) {
        GgufWriter w = new GgufWriter();
        GgufConfig.write(w, c, "synthetic");
        int h = c.hiddenSize();
        int inter = c.intermediateSize();
        w.addTensor("token_embd.weight", matrices, new long[] {c.vocabSize(), h});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", GgmlType.F32, new long[] {h});
            w.addTensor(p + "attn_norm.bias", GgmlType.F32, new long[] {h});
            w.addTensor(p + "attn_qkv.weight", matrices, new long[] {3L * h, h});
            w.addTensor(p + "attn_qkv.bias", GgmlType.F32, new long[] {3L * h});
            w.addTensor(p + "attn_output.weight", matrices, new long[] {h, h});
            w.addTensor(p + "attn_output.bias", GgmlType.F32, new long[] {h});
            w.addTensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {h});
            w.addTensor(p + "ffn_norm.bias", GgmlType.F32, new long[] {h});
            w.addTensor(p + "ffn_up.weight", matrices, new long[] {inter, h});
            w.addTensor(p + "ffn_up.bias", GgmlType.F32, new long[] {inter});
            w.addTensor(p + "ffn_down.weight", matrices, new long[] {h, inter});
            w.addTensor(p + "ffn_down.bias", GgmlType.F32, new long[] {h});
        }
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {h});
        w.addTensor("output_norm.bias", GgmlType.F32, new long[] {h});
        w.addTensor("output.weight", matrices, new long[] {c.vocabSize(), h});
        Random random = new Random(seed);
        float[] normals = new float[1 << 18];
        for (int i = 0; i < normals.length; i++) {
            normals[i] = (float) random.nextGaussian();
        }
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        w.write(file, (info, sink) -> {
            if (info.type() == GgmlType.Q4_0 || info.type() == GgmlType.Q8_0) {
                writeQuantized(info, sink, normals, random.nextInt(normals.length));
                return;
            }
            boolean norm = info.name().contains("norm.weight");
            boolean f16 = info.type() == GgmlType.F16;
            float scale = (float) (1 / Math.sqrt(info.ne()[0]));
            int start = random.nextInt(normals.length);
            long count = info.elementCount();
            for (long done = 0; done < count; ) {
                chunk.clear();
                int n = (int) Math.min(count - done, chunk.capacity() / 4);
                for (int i = 0; i < n; i++) {
                    float v = norm ? 1 : normals[(int) ((start + done + i) % normals.length)] * scale;
                    if (f16) {
                        chunk.putShort(Float.floatToFloat16(v));
                    } else {
                        chunk.putFloat(v);
                    }
                }
                sink.write(chunk.flip());
                done += n;
            }
        });
    }

    /** A quantized matrix: its rows drawn as the float ones are, quantized as neox4j's quantizer does. */
    private static void writeQuantized(GgufTensorInfo info, GgufWriter.Sink sink, float[] normals, int start) throws java.io.IOException {
        int cols = Math.toIntExact(info.ne()[0]);
        long rows = info.elementCount() / cols;
        DType type = info.type().engineType();
        float scale = (float) (1 / Math.sqrt(cols));
        float[] row = new float[cols];
        byte[] bytes = new byte[Math.toIntExact(type.byteSize(cols))];
        for (long r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                row[i] = normals[(int) ((start + r * cols + i) % normals.length)] * scale;
            }
            Quantize.row(type, row, 0, cols, MemorySegment.ofArray(bytes), 0);
            sink.write(ByteBuffer.wrap(bytes));
        }
    }
}
