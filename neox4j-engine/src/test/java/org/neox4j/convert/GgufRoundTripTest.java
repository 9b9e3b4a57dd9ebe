package org.neox4j.convert;

import org.neox4j.loader.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neox4j.format.gguf.GgmlType;
import org.neox4j.format.gguf.GgufFile;
import org.neox4j.format.gguf.GgufTensorInfo;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;
import org.neox4j.testing.GgufFixtures;
import org.neox4j.testing.GoldenModel;

/**
 * Hugging Face → GGUF keeps every tensor: same names (through llama.cpp's), shapes and values
 * bit for bit (F32), with the fused QKV weight and bias rows moved from per-head interleaved to
 * all q, all k, all v exactly as llama.cpp's converter moves them; norms and biases stay F32.
 */
class GgufRoundTripTest {

    @ParameterizedTest
    @CsvSource({"tiny-parallel,F32", "tiny-sequential,F32", "tiny-parallel,F16"})
    void tensorsAreEqual(String modelName, DType dtype) {
        try (GoldenModel golden = GoldenModel.open(modelName);
             NeoxModel hf = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(1));
             GgufFile gguf = GgufFile.open(GgufFixtures.gguf(golden.dir(), dtype))) {
            int heads = hf.config().numHeads();
            int hd = hf.config().headSize();
            Set<String> seen = new HashSet<>();
            for (String name : hf.store().names()) {
                Tensor a = hf.store().get(name);
                Tensor b = gguf.get(name);
                GgufTensorInfo info = gguf.info(name).orElseThrow();
                seen.add(name);
                assertArrayEquals(a.shape(), b.shape(), name);
                assertEquals(a.rank() == 1 ? GgmlType.F32 : GgmlType.of(dtype), info.type(), name);
                float[] expected = a.toFloatArray();
                if (b.dtype() == DType.F16) {
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = Float.float16ToFloat(Float.floatToFloat16(expected[i]));
                    }
                }
                float[] actual = b.toFloatArray();
                if (name.contains("query_key_value")) {
                    actual = toPerHead(actual, a.rank() == 1 ? 1 : a.dim(1), heads, hd);
                }
                assertArrayEquals(expected, actual, name);
            }
            assertEquals(seen, gguf.names());
        }
    }

    /** Undoes llama.cpp's reorder: row (part·heads + head)·hd + i goes back to (head·3 + part)·hd + i. */
    static float[] toPerHead(float[] split, long cols, int heads, int hd) {
        float[] out = new float[split.length];
        for (int part = 0; part < 3; part++) {
            for (int head = 0; head < heads; head++) {
                for (int i = 0; i < hd; i++) {
                    long from = ((long) (part * heads + head) * hd + i) * cols;
                    long to = ((long) (head * 3 + part) * hd + i) * cols;
                    System.arraycopy(split, (int) from, out, (int) to, (int) cols);
                }
            }
        }
        return out;
    }
}
