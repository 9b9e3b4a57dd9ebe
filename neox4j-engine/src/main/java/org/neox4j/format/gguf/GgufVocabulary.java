package org.neox4j.format.gguf;

import java.util.ArrayList;
import java.util.List;
import org.neox4j.format.FormatException;
import org.neox4j.tokenizer.BpeVocabulary;
import org.neox4j.tokenizer.TokenKind;

/**
 * The tokenizer as llama.cpp stores a {@code gpt2} (byte-level BPE) vocabulary in GGUF:
 * {@code tokenizer.ggml.tokens} (one string per id, as many as the model's vocabulary rows),
 * {@code tokenizer.ggml.token_type} (1 normal, 3 control = special, 4 user-defined = added,
 * 5 unused), {@code tokenizer.ggml.merges} ({@code "left right"}) and the special ids. Ids the
 * tokenizer lacks (the padded rows of the embedding) are written as llama.cpp's converter writes
 * them, user-defined {@code [PAD<id>]}, and read back as gaps.
 */
public final class GgufVocabulary {
    public static final String MODEL = "tokenizer.ggml.model";
    public static final String PRE = "tokenizer.ggml.pre";
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String BOS = "tokenizer.ggml.bos_token_id";
    public static final String EOS = "tokenizer.ggml.eos_token_id";
    public static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    /** neox4j's own key: whether text is NFC-normalized first (the GPT-NeoX tokenizer does; llama.cpp has no such key). */
    public static final String NFC = "neox4j.tokenizer.nfc";

    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;

    private GgufVocabulary() {
    }

    /** Whether the file carries a tokenizer. */
    public static boolean present(GgufMetadata m) {
        return m.has(TOKENS);
    }

    public static BpeVocabulary read(GgufMetadata m) {
        String model = m.string(MODEL);
        if (!model.equals("gpt2")) {
            throw new FormatException(m.source() + ": tokenizer model '" + model + "' is not supported (neox4j reads 'gpt2' byte-level BPE)");
        }
        List<String> tokens = new ArrayList<>(m.strings(TOKENS));
        int[] types = m.has(TOKEN_TYPE) ? m.ints(TOKEN_TYPE) : null;
        if (types != null && types.length != tokens.size()) {
            throw new FormatException(m.source() + ": " + TOKEN_TYPE + " has " + types.length + " entries but "
                    + TOKENS + " has " + tokens.size());
        }
        List<TokenKind> kinds = new ArrayList<>(tokens.size());
        for (int id = 0; id < tokens.size(); id++) {
            int type = types == null ? NORMAL : types[id];
            TokenKind kind = switch (type) {
                case NORMAL -> TokenKind.NORMAL;
                case CONTROL, UNKNOWN -> TokenKind.SPECIAL;
                case USER_DEFINED -> tokens.get(id).equals(padding(id)) ? TokenKind.UNUSED : TokenKind.ADDED;
                case UNUSED -> TokenKind.UNUSED;
                default -> throw new FormatException(m.source() + ": " + TOKEN_TYPE + "[" + id + "] is " + type
                        + ", not a token type a gpt2 vocabulary uses (1 normal, 3 control, 4 user-defined, 5 unused)");
            };
            kinds.add(kind);
            if (kind == TokenKind.UNUSED) {
                tokens.set(id, null);
            }
        }
        List<String> merges = m.has(MERGES) ? m.strings(MERGES) : List.of();
        boolean nfc = m.optionalBool(NFC).orElse(true);
        return new BpeVocabulary(tokens, kinds, merges, nfc);
    }

    /**
     * Adds the tokenizer keys to {@code w}, padded with {@code [PAD<id>]} to {@code vocabSize}
     * entries as llama.cpp needs one token per embedding row.
     */
    public static void write(GgufWriter w, BpeVocabulary v, int vocabSize, int bosId, int eosId) {
        if (v.size() > vocabSize) {
            throw new IllegalArgumentException("the tokenizer has " + v.size() + " ids but the model only " + vocabSize + " rows");
        }
        List<GgufValue> tokens = new ArrayList<>(vocabSize);
        List<GgufValue> types = new ArrayList<>(vocabSize);
        for (int id = 0; id < vocabSize; id++) {
            TokenKind kind = id < v.size() ? v.kinds().get(id) : TokenKind.UNUSED;
            tokens.add(GgufValue.string(kind == TokenKind.UNUSED ? padding(id) : v.tokens().get(id)));
            types.add(GgufValue.int32(switch (kind) {
                case NORMAL -> NORMAL;
                case SPECIAL -> CONTROL;
                case ADDED, UNUSED -> USER_DEFINED;
            }));
        }
        List<GgufValue> merges = new ArrayList<>(v.merges().size());
        for (String merge : v.merges()) {
            merges.add(GgufValue.string(merge));
        }
        w.put(MODEL, GgufValue.string("gpt2"));
        // llama.cpp's converter recognizes the GPT-NeoX tokenizer by its hash as MPT's (the same tokenizer) and writes
        // "mpt": the GPT-2 split pattern, as GPT-NeoX's ByteLevel pre-tokenizer.
        w.put(PRE, GgufValue.string("mpt"));
        w.put(TOKENS, new GgufValue.ArrayValue(GgufValueType.STRING, tokens));
        w.put(TOKEN_TYPE, new GgufValue.ArrayValue(GgufValueType.INT32, types));
        w.put(MERGES, new GgufValue.ArrayValue(GgufValueType.STRING, merges));
        w.put(BOS, GgufValue.uint32(bosId));
        w.put(EOS, GgufValue.uint32(eosId));
        w.put(ADD_BOS, GgufValue.bool(false));
        w.put(NFC, GgufValue.bool(v.nfc()));
    }

    private static String padding(int id) {
        return "[PAD" + id + "]";
    }
}
