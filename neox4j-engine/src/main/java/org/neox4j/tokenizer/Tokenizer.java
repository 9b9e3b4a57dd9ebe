package org.neox4j.tokenizer;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The GPT-NeoX / Pythia tokenizer: byte-level BPE loaded from a Hugging Face
 * {@code tokenizer.json}, with the same ids, token strings and decoded text as the Hugging Face
 * {@code tokenizers} library.
 *
 * <p>Encoding: special tokens are cut out of the raw text; each remaining piece is normalized
 * (NFC), then the normalized added tokens (runs of spaces) are cut out; what remains is split by
 * the GPT-2 pattern and each word is BPE-encoded. Decoding: ids become token strings, token
 * strings bytes, and the bytes UTF-8 text with one U+FFFD per maximal invalid subpart.
 *
 * <p>Instances are immutable apart from an internal word cache and may be shared by threads.
 */
public final class Tokenizer {
    private final String sourceName;
    /** Token string of each id (added tokens take precedence over the vocabulary), null for gaps. */
    private final String[] tokens;
    /** What each id decodes to, before UTF-8 decoding (null for gaps). */
    private final byte[][] decodedBytes;
    private final boolean[] special;
    private final Map<String, Integer> ids;
    private final int size;
    private final boolean nfc;
    private final AddedTokens addedTokens;
    private final Bpe bpe;
    private final BpeVocabulary vocabulary;

    Tokenizer(String sourceName, String[] tokens, boolean[] special, Map<String, Integer> ids,
            boolean nfc, AddedTokens addedTokens, Bpe bpe, BpeVocabulary vocabulary) {
        this.sourceName = sourceName;
        this.tokens = tokens;
        this.special = special;
        this.ids = ids;
        this.nfc = nfc;
        this.addedTokens = addedTokens;
        this.bpe = bpe;
        this.vocabulary = vocabulary;
        this.decodedBytes = new byte[tokens.length][];
        int count = 0;
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] != null) {
                decodedBytes[id] = ByteLevel.decodeToken(tokens[id]);
                count++;
            }
        }
        this.size = count;
    }

    /**
     * Loads a tokenizer file, or the {@code tokenizer.json} (else {@code 20B_tokenizer.json}) of a
     * model directory.
     *
     * @throws TokenizerException naming the file when it is missing, unreadable, malformed or
     *     uses a component or option neox4j does not implement
     */
    public static Tokenizer load(Path fileOrModelDir) {
        return TokenizerJson.load(fileOrModelDir);
    }

    /**
     * Builds a tokenizer from the text of a {@code tokenizer.json}.
     *
     * @param sourceName what error messages call it (a file name)
     */
    public static Tokenizer fromJson(String json, String sourceName) {
        return TokenizerJson.parse(json, sourceName);
    }

    /**
     * Builds a tokenizer from a vocabulary given as lists (what a GGUF file stores), with the same
     * BPE machinery as {@link #fromJson}: the same vocabulary and merges give the same ids.
     *
     * @param sourceName what error messages call it (a file name)
     * @throws TokenizerException when a merge names a token the vocabulary lacks, or a token is listed twice
     */
    public static Tokenizer fromVocabulary(BpeVocabulary vocabulary, String sourceName) {
        return VocabularyTokenizer.build(vocabulary, sourceName);
    }

    /** The vocabulary, merges and added tokens this tokenizer was built from (to write them elsewhere, e.g. GGUF). */
    public BpeVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The ids of {@code text}, like the library's {@code encode(text, add_special_tokens)} (with or
     * without, which is the same for this tokenizer). Special tokens written in the text are
     * recognized. A lone UTF-16 surrogate, which has no UTF-8 form, is encoded as U+FFFD.
     */
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        String input = Text.withoutLoneSurrogates(text);
        IdList out = new IdList(input.length() / 4 + 4);
        TokenTrie raw = addedTokens.raw();
        int pieceStart = 0;
        if (!raw.isEmpty()) {
            for (int pos = 0; pos < input.length(); ) {
                int match = raw.longestMatch(input, pos, input.length());
                if (match < 0) {
                    pos++;
                    continue;
                }
                encodeUnnormalized(input, pieceStart, pos, out);
                out.add(raw.tokenId(match));
                pos += raw.length(match);
                pieceStart = pos;
            }
        }
        encodeUnnormalized(input, pieceStart, input.length(), out);
        return out.toArray();
    }

    /** Normalizes {@code text[from, to)}, then encodes it around the normalized added tokens. */
    private void encodeUnnormalized(String text, int from, int to, IdList out) {
        if (from == to) {
            return;
        }
        String piece = text.substring(from, to);
        if (nfc) {
            piece = Nfc.normalize(piece);
        }
        TokenTrie normalized = addedTokens.normalized();
        int wordsStart = 0;
        if (!normalized.isEmpty()) {
            for (int pos = 0; pos < piece.length(); ) {
                int match = normalized.longestMatch(piece, pos, piece.length());
                if (match < 0) {
                    pos++;
                    continue;
                }
                encodeWords(piece, wordsStart, pos, out);
                out.add(normalized.tokenId(match));
                pos += normalized.length(match);
                wordsStart = pos;
            }
        }
        encodeWords(piece, wordsStart, piece.length(), out);
    }

    /** Splits {@code text[from, to)} with the GPT-2 pattern and BPE-encodes each word. */
    private void encodeWords(String text, int from, int to, IdList out) {
        for (int start = from; start < to; ) {
            int end = PreTokenizer.pieceEnd(text, start, to);
            bpe.encodeWord(text, start, end, out);
            start = end;
        }
    }

    /**
     * The text of {@code ids}, like the library's {@code decode(ids, skip_special_tokens)}. Ids
     * without a token (the model's head has more rows than the tokenizer has tokens) are dropped;
     * skipped special tokens are dropped before the bytes are decoded, so bytes on both sides of
     * one join.
     *
     * @throws IllegalArgumentException for a negative id
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        byte[] bytes = new byte[Math.max(16, ids.length * 4)];
        int length = 0;
        for (int id : ids) {
            byte[] token = decodedBytes(id, skipSpecialTokens);
            if (token == null) {
                continue;
            }
            if (length + token.length > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + token.length));
            }
            System.arraycopy(token, 0, bytes, length, token.length);
            length += token.length;
        }
        return Utf8Lossy.decode(bytes, 0, length);
    }

    /** A decoder for ids that arrive one at a time (see {@link StreamingDecoder}). */
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(this, skipSpecialTokens);
    }

    /** The bytes {@code id} contributes to decoded text, or null when it contributes none. */
    byte[] decodedBytes(int id, boolean skipSpecialTokens) {
        if (id < 0) {
            throw new IllegalArgumentException("token id " + id + " is negative");
        }
        if (id >= tokens.length || (skipSpecialTokens && special[id])) {
            return null;
        }
        return decodedBytes[id];
    }

    /**
     * The token string of {@code id} as the library shows it (byte-level characters such as
     * {@code Ġ} for BPE tokens, the literal content of added tokens), or null when {@code id} has
     * no token.
     */
    public String tokenString(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    /** The id of a token string (added tokens first, then the vocabulary). */
    public OptionalInt tokenId(String tokenString) {
        Integer id = ids.get(tokenString);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether {@code id} is a special token (dropped by decoding with {@code skipSpecialTokens}). */
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    /** The number of distinct ids that have a token (50,277 for GPT-NeoX-20B). */
    public int size() {
        return size;
    }

    /** Words held by the word cache now (for memory measurements). */
    int cachedWords() {
        return bpe.cachedWords();
    }

    @Override
    public String toString() {
        return "Tokenizer[" + sourceName + ", " + size + " tokens]";
    }
}
