package org.neox4j.model;

/** The MLP activations GPT-NeoX checkpoints use ({@code hidden_act} in config.json). */
public enum Activation {
    /** Exact GELU, {@code 0.5·x·(1+erf(x/√2))} (Pythia). */
    GELU("gelu"),
    /** Tanh approximation as HF's FastGELUActivation (GPT-NeoX-20B). */
    GELU_FAST("gelu_fast"),
    /** Tanh approximation as HF's NewGELUActivation; algebraically equal to gelu_fast. */
    GELU_NEW("gelu_new");

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The activation named {@code name} in a config, or null when neox4j has none of that name. */
    public static Activation fromConfigName(String name) {
        for (Activation a : values()) {
            if (a.configName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
