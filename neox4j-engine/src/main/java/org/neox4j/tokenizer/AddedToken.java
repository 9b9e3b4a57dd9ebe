package org.neox4j.tokenizer;

/**
 * A token of the tokenizer file's {@code added_tokens} list: matched in the text before
 * pre-tokenization and never split by BPE.
 *
 * @param id its id
 * @param content its text
 * @param special whether decoding with {@code skipSpecialTokens} drops it
 * @param normalized whether it is matched on the normalized text (else on the raw input)
 */
record AddedToken(int id, String content, boolean special, boolean normalized) {
}
