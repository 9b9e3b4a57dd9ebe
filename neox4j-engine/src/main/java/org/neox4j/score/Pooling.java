package org.neox4j.score;

/** How {@link Embeddings} turns one vector per token into one vector per text. */
public enum Pooling {
    /** The mean over the text's tokens. */
    MEAN,
    /** The last token's vector (the only one that has seen the whole text). */
    LAST
}
