package org.neox4j.bench;

import java.util.Locale;

/**
 * The real shapes of the GPT-NeoX family, for benchmarks on random weights: Pythia (vocab 50304,
 * exact gelu, rotary_pct 0.25, parallel residual) and GPT-NeoX-20B (vocab 50432, gelu_fast).
 */
public enum ModelShape {
    PYTHIA_160M("pythia-160m", 768, 12, 12, 3072, 50304, "gelu"),
    PYTHIA_410M("pythia-410m", 1024, 24, 16, 4096, 50304, "gelu"),
    PYTHIA_1_4B("pythia-1.4b", 2048, 24, 16, 8192, 50304, "gelu"),
    PYTHIA_6_9B("pythia-6.9b", 4096, 32, 32, 16384, 50304, "gelu"),
    GPT_NEOX_20B("gpt-neox-20b", 6144, 44, 64, 24576, 50432, "gelu_fast");

    private final String cliName;
    final int hidden;
    final int layers;
    final int heads;
    final int intermediate;
    final int vocab;
    final String activation;

    ModelShape(String cliName, int hidden, int layers, int heads, int intermediate, int vocab, String activation) {
        this.cliName = cliName;
        this.hidden = hidden;
        this.layers = layers;
        this.heads = heads;
        this.intermediate = intermediate;
        this.vocab = vocab;
        this.activation = activation;
    }

    public String cliName() {
        return cliName;
    }

    /** Weights of this shape (embeddings and head included). */
    public long parameters() {
        long h = hidden;
        long perLayer = 4 * h * h + 4 * h + 2 * h * intermediate + intermediate + h + 4 * h;
        return layers * perLayer + 2L * vocab * h + 2 * h;
    }

    /** A Hugging Face config.json for this shape, with the given torch_dtype. */
    public String configJson(String torchDtype) {
        return String.format(Locale.ROOT, """
                {
                  "architectures": ["GPTNeoXForCausalLM"],
                  "model_type": "gpt_neox",
                  "attention_bias": true,
                  "bos_token_id": 0,
                  "eos_token_id": 0,
                  "hidden_act": "%s",
                  "hidden_size": %d,
                  "initializer_range": 0.02,
                  "intermediate_size": %d,
                  "layer_norm_eps": 1e-05,
                  "max_position_embeddings": 2048,
                  "num_attention_heads": %d,
                  "num_hidden_layers": %d,
                  "rope_scaling": null,
                  "rotary_emb_base": 10000,
                  "rotary_pct": 0.25,
                  "tie_word_embeddings": false,
                  "torch_dtype": "%s",
                  "use_cache": true,
                  "use_parallel_residual": true,
                  "vocab_size": %d,
                  "neox4j_synthetic": "random weights of the %s shape (neox4j synth); not a trained model"
                }
                """, activation, hidden, intermediate, heads, layers, torchDtype, vocab, cliName);
    }

    public static ModelShape parse(String name) {
        for (ModelShape s : values()) {
            if (s.cliName.equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + name + "' (expected pythia-160m, pythia-410m, pythia-1.4b,"
                + " pythia-6.9b or gpt-neox-20b)");
    }
}
