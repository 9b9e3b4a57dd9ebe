package org.neox4j.model;

/**
 * What a forward pass returns besides updating the KV caches.
 *
 * @param logits which positions get logits
 * @param hiddenStates whether to return every layer's hidden states (HF's output_hidden_states)
 * @param probe observer of per-layer intermediates, or null
 */
public record ForwardOptions(Logits logits, boolean hiddenStates, ForwardProbe probe) {

    public enum Logits {
        /** None (only fill the caches, or only hidden states). */
        NONE,
        /** The last position of each sequence (generation). */
        LAST,
        /** Every position (scoring, perplexity). */
        ALL
    }

    public static final ForwardOptions LAST_LOGITS = new ForwardOptions(Logits.LAST, false, null);
    public static final ForwardOptions ALL_LOGITS = new ForwardOptions(Logits.ALL, false, null);

    public ForwardOptions {
        if (logits == null) {
            throw new IllegalArgumentException("logits must be given");
        }
    }

    public ForwardOptions withHiddenStates() {
        return new ForwardOptions(logits, true, probe);
    }

    public ForwardOptions withProbe(ForwardProbe p) {
        return new ForwardOptions(logits, hiddenStates, p);
    }
}
