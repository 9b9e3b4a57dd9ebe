/**
 * The GPT-NeoX / Pythia tokenizer: byte-level BPE read from a Hugging Face {@code tokenizer.json},
 * with the ids, token strings and decoded text of the Hugging Face {@code tokenizers} library.
 * Entry points: {@link org.neox4j.tokenizer.Tokenizer} and
 * {@link org.neox4j.tokenizer.StreamingDecoder}; the rest is package-private machinery, one
 * concept per class (split scanner, BPE merges, added-token matching, NFC, lossy UTF-8).
 */
package org.neox4j.tokenizer;
