package org.neox4j.score;

import java.util.Arrays;
import org.neox4j.Neox4jException;
import org.neox4j.generate.LanguageModel;
import org.neox4j.tokenizer.Tokenizer;

/**
 * Turns a text request {@code (context, continuation)} into tokens exactly as lm-evaluation-harness
 * does for a causal model ({@code TemplateLM.loglikelihood} and {@code _encode_pair}):
 * <ol>
 *   <li>An empty context becomes the prefix token (the tokenizer's BOS, else EOS; for GPT-NeoX and
 *       Pythia {@code <|endoftext|>}, id 0) and the continuation is encoded alone; if the
 *       continuation itself starts with that token, its first token becomes the context instead.
 *   <li>Otherwise trailing whitespace of the context (Python's {@code str.rstrip()}) moves to the
 *       front of the continuation; then {@code whole = encode(context + continuation)},
 *       {@code ctx = encode(context)} and the continuation's tokens are {@code whole[len(ctx):]}.
 *       The model reads {@code ctx + whole[len(ctx):]}: the context is tokenized on its own, the
 *       continuation as it tokenizes after the context.
 * </ol>
 */
public final class HarnessEncoding {
    private final Tokenizer tokenizer;
    private final int prefixTokenId;

    /**
     * @param prefixTokenId what stands for an empty context (the harness's {@code prefix_token_id})
     */
    public HarnessEncoding(Tokenizer tokenizer, int prefixTokenId) {
        this.tokenizer = tokenizer;
        this.prefixTokenId = prefixTokenId;
    }

    /** The model's tokenizer, with its config's {@code bos_token_id} as the prefix token. */
    public static HarnessEncoding of(LanguageModel lm) {
        return new HarnessEncoding(lm.requireTokenizer(), lm.config().bosTokenId());
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int prefixTokenId() {
        return prefixTokenId;
    }

    /** The tokens of one request; an error when the continuation gives no tokens of its own. */
    public ScoreRequest request(String context, String continuation) {
        if (continuation.isEmpty()) {
            throw new Neox4jException("the continuation is empty; there is nothing to score");
        }
        if (context.isEmpty()) {
            int[] cont = tokenizer.encode(continuation);
            if (cont.length > 0 && cont[0] == prefixTokenId) {
                return new ScoreRequest(new int[] {prefixTokenId}, Arrays.copyOfRange(cont, 1, cont.length));
            }
            return new ScoreRequest(new int[] {prefixTokenId}, cont);
        }
        int spaces = trailingWhitespace(context);
        String ctx = context.substring(0, context.length() - spaces);
        String cont = context.substring(context.length() - spaces) + continuation;
        int[] whole = tokenizer.encode(ctx + cont);
        int[] ctxTokens = tokenizer.encode(ctx);
        if (whole.length <= ctxTokens.length) {
            throw new Neox4jException("the continuation " + quote(continuation) + " adds no tokens of its own: the context and"
                    + " continuation together tokenize to " + whole.length + " tokens, the context alone to " + ctxTokens.length);
        }
        return new ScoreRequest(ctxTokens, Arrays.copyOfRange(whole, ctxTokens.length, whole.length));
    }

    /** Length of the whitespace suffix that Python's {@code str.rstrip()} removes. */
    static int trailingWhitespace(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isPythonWhitespace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.length() - end;
    }

    /**
     * Python's {@code str.isspace()} for one code point: the separators (Zs, Zl, Zp, no-break
     * spaces included) and the control characters \t \n \u000b \f \r \u001c-\u001f \u0085.
     */
    static boolean isPythonWhitespace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    private static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return "\"" + shown.replace("\n", "\\n") + "\"";
    }
}
