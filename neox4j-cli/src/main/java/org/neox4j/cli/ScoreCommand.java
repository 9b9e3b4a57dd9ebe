package org.neox4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.neox4j.Neox4jException;
import org.neox4j.generate.LanguageModel;
import org.neox4j.score.HarnessEncoding;
import org.neox4j.score.Score;
import org.neox4j.score.ScoreOptions;
import org.neox4j.score.ScoreRequest;
import org.neox4j.score.Scorer;
import org.neox4j.score.TokenScore;
import org.neox4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score",
        header = "Score a continuation: per-token log-probabilities, alternatives, greedy or not.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Log-probability of a continuation given a context, per token, with the most likely alternatives",
            "and whether greedy decoding would produce it (lm-evaluation-harness's loglikelihood request).",
            "Text is tokenized as the harness does: the continuation is what encode(context + continuation) adds",
            "after encode(context); an empty context becomes the BOS token."})
final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PipelineMixin pipeline;

    @Option(names = "--context", paramLabel = "TEXT", description = "The context text (may be empty).")
    String context;

    @Option(names = "--continuation", paramLabel = "TEXT", description = "The text to score after the context.")
    String continuation;

    @Option(names = "--context-token-ids", paramLabel = "IDS", description = "The context as token ids, e.g. 1,2,3.")
    String contextIds;

    @Option(names = "--continuation-token-ids", paramLabel = "IDS", description = "The continuation as token ids.")
    String continuationIds;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "5", description = "Alternatives to show per token; 0 = none (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Longest input the model reads; longer requests lose context from the left (default: the model's context).")
    Integer maxLength;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        boolean text = context != null || continuation != null;
        boolean ids = contextIds != null || continuationIds != null;
        if (text == ids || (text && (context == null || continuation == null)) || (ids && (contextIds == null || continuationIds == null))) {
            throw new Neox4jException("give --context and --continuation (text), or --context-token-ids and --continuation-token-ids");
        }
        if (topK < 0 || topK > ScoreOptions.MAX_TOP_K) {
            throw new Neox4jException("--top-k must be in 0.." + ScoreOptions.MAX_TOP_K + ", got " + topK);
        }
        if (maxLength != null && maxLength < 1) {
            throw new Neox4jException("--max-length must be at least 1, got " + maxLength);
        }
        try (LanguageModel lm = pipeline.load(modelOptions)) {
            ScoreRequest request = text
                    ? HarnessEncoding.of(lm).request(context, continuation)
                    : new ScoreRequest(TokenIds.parse(contextIds, "--context-token-ids"), TokenIds.parse(continuationIds, "--continuation-token-ids"));
            ScoreOptions options = ScoreOptions.defaults().withTopK(topK).withMaxLength(maxLength == null ? 0 : maxLength);
            Score score = new Scorer(lm.network(), options).score(request);
            Tokenizer tokenizer = lm.tokenizer().orElse(null);
            if (json) {
                JsonOut.print(json(score, tokenizer));
            } else {
                print(score, tokenizer);
            }
        }
        return 0;
    }

    private static ObjectNode json(Score s, Tokenizer tokenizer) {
        ObjectNode o = JsonOut.object();
        ArrayNode ctx = o.putArray("context_token_ids");
        for (int id : s.request().context()) {
            ctx.add(id);
        }
        ArrayNode cont = o.putArray("continuation_token_ids");
        for (int id : s.request().continuation()) {
            cont.add(id);
        }
        o.put("logprob", s.logprob());
        o.put("greedy", s.greedy());
        o.put("truncated_context_tokens", s.truncatedTokens());
        ArrayNode tokens = o.putArray("tokens");
        for (TokenScore t : s.tokens()) {
            ObjectNode tn = tokens.addObject();
            tn.put("id", t.token());
            tn.put("text", text(tokenizer, t.token()));
            tn.put("logprob", t.logprob());
            tn.put("greedy", t.greedy());
            ArrayNode top = tn.putArray("top");
            for (TokenScore.Alternative a : t.top()) {
                top.addObject().put("id", a.token()).put("text", text(tokenizer, a.token())).put("logprob", a.logprob());
            }
        }
        return o;
    }

    private static void print(Score s, Tokenizer tokenizer) {
        System.out.printf(Locale.ROOT, "context: %d tokens%s; continuation: %d tokens%n", s.request().context().length,
                s.truncatedTokens() == 0 ? "" : " (" + s.truncatedTokens() + " dropped from the left to fit)", s.request().continuation().length);
        System.out.printf("%-24s %10s  %-6s  %s%n", "token", "logprob", "greedy", "most likely");
        for (TokenScore t : s.tokens()) {
            StringBuilder top = new StringBuilder();
            for (TokenScore.Alternative a : t.top()) {
                top.append(top.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.3f", label(tokenizer, a.token()), a.logprob()));
            }
            System.out.printf(Locale.ROOT, "%-24s %10.4f  %-6s  %s%n", label(tokenizer, t.token()), t.logprob(), t.greedy() ? "yes" : "no", top);
        }
        System.out.printf(Locale.ROOT, "total logprob %.4f (mean %.4f per token); greedy: %s%n", s.logprob(),
                s.logprob() / s.tokens().size(), s.greedy() ? "yes" : "no");
    }

    /** The token's text (null without a tokenizer). */
    private static String text(Tokenizer tokenizer, int id) {
        return tokenizer == null ? null : tokenizer.decode(new int[] {id}, false);
    }

    /** The token for a table: its text, quoted and escaped, then its id. */
    private static String label(Tokenizer tokenizer, int id) {
        if (tokenizer == null) {
            return "#" + id;
        }
        String t = text(tokenizer, id).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
        return "\"" + t + "\" #" + id;
    }
}
