package org.neox4j.convert;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neox4j.ProgressListener;
import org.neox4j.format.TensorStore;
import org.neox4j.format.gguf.GgmlType;
import org.neox4j.format.gguf.GgufTensorInfo;
import org.neox4j.format.gguf.GgufTensorNames;
import org.neox4j.format.gguf.GgufValue;
import org.neox4j.format.gguf.GgufVocabulary;
import org.neox4j.format.gguf.GgufWriter;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.Config;
import org.neox4j.model.NeoxModel;
import org.neox4j.tokenizer.Tokenizer;
import org.neox4j.model.GgufConfig;
import org.neox4j.model.QkvLayout;
import org.neox4j.model.WeightNames;
import org.neox4j.os.NativeMemory;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Quantize;
import org.neox4j.tensor.Tensor;
import org.neox4j.tokenizer.BpeVocabulary;

/**
 * Writes a model from any tensor store as a llama.cpp-compatible GGUF file: llama.cpp's keys and
 * tensor names, the fused QKV rows (and bias) reordered from Hugging Face's per-head interleaving
 * to all q, all k, all v, the tokenizer as {@code gpt2} metadata. Tensors are converted one at a
 * time, a bounded number of rows at once, so memory stays bounded by one tensor's working rows
 * whatever the model size.
 *
 * <p>Types follow llama.cpp: vectors (norms, biases) stay F32; matrices take the target type,
 * except that a Q4_0 file keeps the output head in Q8_0 (llama.cpp's quantize gives the head a
 * higher-precision type, Q6_K, which neox4j does not compute with; Q8_0 is its choice where Q6_K
 * does not apply).
 */
public final class GgufExporter {
    /** Floats converted per step: 4 MiB of float32 working memory. */
    private static final int CHUNK_FLOATS = 1 << 20;

    private final TensorStore source;
    private final Config config;
    private final QkvLayout sourceLayout;

    public GgufExporter(TensorStore source, Config config, QkvLayout sourceLayout) {
        this.source = source;
        this.config = config;
        this.sourceLayout = sourceLayout;
    }

    /**
     * Writes the model {@code lm} (any source the loader reads) as a GGUF file of {@code target}
     * matrices, with its tokenizer when it has one.
     */
    public static void export(LanguageModel lm, DType target, Path out, ProgressListener progress) {
        NeoxModel model = lm.model();
        String name = model.path().getFileName() == null ? "model" : model.path().getFileName().toString().replaceFirst("\\.gguf$", "");
        new GgufExporter(model.store(), model.config(), model.weights().qkvLayout())
                .write(out, target, lm.tokenizer().map(Tokenizer::vocabulary).orElse(null), name, progress);
    }

    /** The GGML type each tensor gets in a file of target type {@code target}. */
    static GgmlType typeFor(String hfName, Tensor t, DType target) {
        if (t.rank() == 1) {
            return GgmlType.F32;
        }
        if (target == DType.Q4_0 && hfName.equals(WeightNames.EMBED_OUT)) {
            return GgmlType.Q8_0;
        }
        if (target.isQuantized() && t.dim(t.rank() - 1) % target.blockSize() != 0) {
            return GgmlType.F16;
        }
        return GgmlType.of(target);
    }

    public void write(Path out, DType target, BpeVocabulary vocabulary, String name, ProgressListener progress) {
        GgufWriter w = new GgufWriter();
        GgufConfig.write(w, config, name);
        w.put("general.file_type", GgufValue.uint32(fileType(target)));
        if (target.isQuantized()) {
            w.put("general.quantization_version", GgufValue.uint32(2));
        }
        if (vocabulary != null) {
            GgufVocabulary.write(w, vocabulary, config.vocabSize(), config.bosTokenId(),
                    config.eosTokenIds().isEmpty() ? config.bosTokenId() : config.eosTokenIds().getFirst());
        }
        Map<String, String> hfByGguf = new LinkedHashMap<>();
        long totalBytes = 0;
        for (String hf : tensorOrder()) {
            Tensor t = source.get(hf);
            String gguf = GgufTensorNames.toGguf(hf);
            w.addTensor(gguf, typeFor(hf, t, target), t.shape());
            hfByGguf.put(gguf, hf);
            totalBytes += t.byteSize();
        }
        progress.start("writing " + out.getFileName(), totalBytes);
        try {
            w.write(out, (info, sink) -> {
                Tensor t = source.get(hfByGguf.get(info.name()));
                convert(t, info, sink);
                // done with this tensor: drop its mapped pages, so memory stays bounded by one tensor
                NativeMemory.madvise(t.data(), NativeMemory.MADV_DONTNEED);
                progress.advance(t.byteSize());
            });
        } finally {
            progress.finish();
        }
    }

    /** The engine names of the tensors to write, layer by layer as llama.cpp lays them out. */
    private List<String> tensorOrder() {
        List<String> names = new ArrayList<>();
        names.add(WeightNames.EMBED_IN);
        String[] parts = {"input_layernorm", "attention.query_key_value", "attention.dense", "post_attention_layernorm",
            "mlp.dense_h_to_4h", "mlp.dense_4h_to_h"};
        for (int l = 0; l < config.numLayers(); l++) {
            for (String part : parts) {
                names.add(WeightNames.layer(l, part + ".weight"));
                String bias = WeightNames.layer(l, part + ".bias");
                if (source.find(bias).isPresent()) {
                    names.add(bias);
                }
            }
        }
        names.add(WeightNames.FINAL_NORM_WEIGHT);
        names.add(WeightNames.FINAL_NORM_BIAS);
        if (!config.tieWordEmbeddings() || source.find(WeightNames.EMBED_OUT).isPresent()) {
            names.add(WeightNames.EMBED_OUT);
        }
        return names;
    }

    private void convert(Tensor t, GgufTensorInfo info, GgufWriter.Sink sink) throws IOException {
        boolean qkv = t.name().endsWith("attention.query_key_value.weight") || t.name().endsWith("attention.query_key_value.bias");
        boolean reorder = qkv && sourceLayout != QkvLayout.SPLIT;
        DType target = info.type().engineType();
        if (!reorder && t.dtype() == target) {
            sink.write(t.data());
            return;
        }
        long rows = t.rank() == 1 ? 1 : t.dim(0);
        int cols = Math.toIntExact(t.elementCount() / rows);
        if (t.rank() == 1 && reorder) {
            // A bias is one row of per-head parts: reorder its elements as rows of one value (biases are written F32).
            rows = t.elementCount();
            cols = 1;
        }
        int rowsPerChunk = Math.max(1, CHUNK_FLOATS / cols);
        float[] buf = new float[Math.toIntExact(Math.min(rows, rowsPerChunk) * (long) cols)];
        for (long r0 = 0; r0 < rows; r0 += rowsPerChunk) {
            int n = (int) Math.min(rowsPerChunk, rows - r0);
            for (int i = 0; i < n; i++) {
                long src = reorder ? sourceRow(r0 + i) : r0 + i;
                t.toFloats(src * cols, buf, i * cols, cols);
            }
            int rowBytes = Math.toIntExact(target.byteSize(cols));
            for (int i = 0; i < n; i++) {
                ByteBuffer dst = sink.ensure(rowBytes);
                // GGML-exact encoding (float16/bfloat16 round to nearest even; Q8_0/Q4_0 as ggml's reference quantizers)
                Quantize.row(target, buf, i * cols, cols, MemorySegment.ofBuffer(dst), 0);
                dst.position(dst.position() + rowBytes);
            }
        }
    }

    /**
     * The row of the source's fused QKV that lands at row {@code splitRow} of llama.cpp's order:
     * split row (part·heads + head)·headSize + i comes from per-head row (head·3 + part)·headSize + i.
     */
    private long sourceRow(long splitRow) {
        int hd = config.headSize();
        int heads = config.numHeads();
        long i = splitRow % hd;
        long block = splitRow / hd;
        long part = block / heads;
        long head = block % heads;
        return (head * 3 + part) * hd + i;
    }

    /** LLAMA_FTYPE of a file whose matrices are {@code target}: ALL_F32 0, MOSTLY_F16 1, Q4_0 2, Q8_0 7, BF16 32. */
    static int fileType(DType target) {
        return switch (target) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case BF16 -> 32;
        };
    }
}
