package org.neox4j.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.neox4j.format.gguf.GgmlType;
import org.neox4j.format.gguf.GgufWriter;
import org.neox4j.model.Config;
import org.neox4j.model.GgufConfig;

/** Random-weight gptneox GGUF files of any shape, written in constant memory (no tokenizer). */
public final class SyntheticGguf {
    private SyntheticGguf() {
    }

    public static void write(Path file, Config c, long seed) {
        GgufWriter w = new GgufWriter();
        GgufConfig.write(w, c, "synthetic");
        int h = c.hiddenSize();
        int inter = c.intermediateSize();
        w.addTensor("token_embd.weight", GgmlType.F32, new long[] {c.vocabSize(), h});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", GgmlType.F32, new long[] {h});
            w.addTensor(p + "attn_norm.bias", GgmlType.F32, new long[] {h});
            w.addTensor(p + "attn_qkv.weight", GgmlType.F32, new long[] {3L * h, h});
            w.addTensor(p + "attn_qkv.bias", GgmlType.F32, new long[] {3L * h});
            w.addTensor(p + "attn_output.weight", GgmlType.F32, new long[] {h, h});
            w.addTensor(p + "attn_output.bias", GgmlType.F32, new long[] {h});
            w.addTensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {h});
            w.addTensor(p + "ffn_norm.bias", GgmlType.F32, new long[] {h});
            w.addTensor(p + "ffn_up.weight", GgmlType.F32, new long[] {inter, h});
            w.addTensor(p + "ffn_up.bias", GgmlType.F32, new long[] {inter});
            w.addTensor(p + "ffn_down.weight", GgmlType.F32, new long[] {h, inter});
            w.addTensor(p + "ffn_down.bias", GgmlType.F32, new long[] {h});
        }
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {h});
        w.addTensor("output_norm.bias", GgmlType.F32, new long[] {h});
        w.addTensor("output.weight", GgmlType.F32, new long[] {c.vocabSize(), h});
        Random random = new Random(seed);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        w.write(file, (info, sink) -> {
            boolean norm = info.name().contains("norm.weight");
            float scale = (float) (1 / Math.sqrt(info.ne()[0]));
            for (long left = info.byteSize() / 4; left > 0; ) {
                chunk.clear();
                int n = (int) Math.min(left, chunk.capacity() / 4);
                for (int i = 0; i < n; i++) {
                    chunk.putFloat(norm ? 1 : (float) random.nextGaussian() * scale);
                }
                sink.write(chunk.flip());
                left -= n;
            }
        });
    }
}
