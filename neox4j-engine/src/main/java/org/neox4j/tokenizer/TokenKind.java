package org.neox4j.tokenizer;

/** What an id of a {@link BpeVocabulary} is. */
public enum TokenKind {
    /** A BPE vocabulary token (byte-level characters such as {@code Ġthe}). */
    NORMAL,
    /** A special added token such as {@code <|endoftext|>}: matched in the raw text, dropped when decoding skips specials. */
    SPECIAL,
    /** A non-special added token (GPT-NeoX's runs of spaces): matched in the normalized text. */
    ADDED,
    /** No token: a padding row of the model's vocabulary. */
    UNUSED
}
