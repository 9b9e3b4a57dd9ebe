package org.neox4j.testing;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.neox4j.ProgressListener;
import org.neox4j.format.TensorSpec;
import org.neox4j.format.safetensors.SafetensorsWriter;
import org.neox4j.model.WeightNames;
import org.neox4j.tensor.DType;
import org.neox4j.tensor.Tensor;

/**
 * Writes a GPT-NeoX model of any shape with seeded random float16 weights (config.json and
 * model.safetensors, one tensor in memory at a time), for tests and benchmarks that need size
 * rather than meaning: memory per layer, bytes on the wire, time per token.
 */
public final class SyntheticModel {
    /** The shape of a model; layers of {@code hidden} with {@code heads} heads, an MLP of {@code intermediate}. */
    public record Shape(int vocab, int hidden, int layers, int heads, int intermediate, int context) {
        /** Bytes of one layer's weights (float16). */
        public long layerBytes() {
            long h = hidden;
            return 2 * (4 * h * h + 2 * h * intermediate + 9 * h + intermediate);
        }
    }

    /** Pythia-160M: 12 layers of 768, 12 heads, 50304 tokens. */
    public static final Shape PYTHIA_160M = new Shape(50304, 768, 12, 12, 3072, 2048);

    private SyntheticModel() {
    }

    public static Path write(Path dir, Shape s) throws IOException {
        Files.createDirectories(dir);
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(new TensorSpec(WeightNames.EMBED_IN, DType.F16, new long[] {s.vocab(), s.hidden()}));
        for (int l = 0; l < s.layers(); l++) {
            for (String norm : new String[] {"input_layernorm", "post_attention_layernorm"}) {
                specs.add(new TensorSpec(WeightNames.layer(l, norm + ".weight"), DType.F16, new long[] {s.hidden()}));
                specs.add(new TensorSpec(WeightNames.layer(l, norm + ".bias"), DType.F16, new long[] {s.hidden()}));
            }
            specs.add(new TensorSpec(WeightNames.layer(l, "attention.query_key_value.weight"), DType.F16, new long[] {3L * s.hidden(), s.hidden()}));
            specs.add(new TensorSpec(WeightNames.layer(l, "attention.query_key_value.bias"), DType.F16, new long[] {3L * s.hidden()}));
            specs.add(new TensorSpec(WeightNames.layer(l, "attention.dense.weight"), DType.F16, new long[] {s.hidden(), s.hidden()}));
            specs.add(new TensorSpec(WeightNames.layer(l, "attention.dense.bias"), DType.F16, new long[] {s.hidden()}));
            specs.add(new TensorSpec(WeightNames.layer(l, "mlp.dense_h_to_4h.weight"), DType.F16, new long[] {s.intermediate(), s.hidden()}));
            specs.add(new TensorSpec(WeightNames.layer(l, "mlp.dense_h_to_4h.bias"), DType.F16, new long[] {s.intermediate()}));
            specs.add(new TensorSpec(WeightNames.layer(l, "mlp.dense_4h_to_h.weight"), DType.F16, new long[] {s.hidden(), s.intermediate()}));
            specs.add(new TensorSpec(WeightNames.layer(l, "mlp.dense_4h_to_h.bias"), DType.F16, new long[] {s.hidden()}));
        }
        specs.add(new TensorSpec(WeightNames.FINAL_NORM_WEIGHT, DType.F16, new long[] {s.hidden()}));
        specs.add(new TensorSpec(WeightNames.FINAL_NORM_BIAS, DType.F16, new long[] {s.hidden()}));
        specs.add(new TensorSpec(WeightNames.EMBED_OUT, DType.F16, new long[] {s.vocab(), s.hidden()}));
        SplittableRandom seeds = new SplittableRandom(42);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), specs,
                name -> random(specs.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(), seeds.split()),
                ProgressListener.NONE);
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "torch_dtype": "float16",
                 "vocab_size": %d, "hidden_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                 "intermediate_size": %d, "max_position_embeddings": %d, "rotary_pct": 0.25, "rotary_emb_base": 10000,
                 "layer_norm_eps": 1e-05, "use_parallel_residual": true, "hidden_act": "gelu", "tie_word_embeddings": false,
                 "attention_bias": true, "bos_token_id": 0, "eos_token_id": 0}
                """.formatted(s.vocab(), s.hidden(), s.layers(), s.heads(), s.intermediate(), s.context()));
        return dir;
    }

    /** Norm scales 1, everything else ~ U(-0.035, 0.035) (standard deviation 0.02, as the initialiser). */
    private static Tensor random(TensorSpec spec, SplittableRandom random) {
        boolean scale = spec.name().endsWith("layernorm.weight") || spec.name().equals(WeightNames.FINAL_NORM_WEIGHT);
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(spec.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        while (bytes.hasRemaining()) {
            bytes.putShort(Float.floatToFloat16(scale ? 1f : (float) ((random.nextDouble() * 2 - 1) * 0.0346)));
        }
        return new Tensor(spec.name(), DType.F16, spec.shape(), MemorySegment.ofArray(bytes.array()));
    }
}
