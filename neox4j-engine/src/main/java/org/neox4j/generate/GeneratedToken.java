package org.neox4j.generate;

/**
 * One generated token.
 *
 * @param id the token id
 * @param text the text this token completes for the output (may be empty: part of a multi-byte
 *     character, held back as a possible stop-string prefix, or a skipped special token); null
 *     when generating without a tokenizer
 */
public record GeneratedToken(int id, String text) {
}
