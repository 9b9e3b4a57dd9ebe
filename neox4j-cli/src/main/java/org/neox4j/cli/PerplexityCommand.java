package org.neox4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.neox4j.Neox4jException;
import org.neox4j.generate.LanguageModel;
import org.neox4j.score.Perplexity;
import org.neox4j.score.PerplexityOptions;
import org.neox4j.score.PerplexityResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "perplexity",
        header = "Perplexity and bits per byte of a text file (sliding window).", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Perplexity and bits per byte of a text file, with a sliding window (Hugging Face's",
            "\"Perplexity of fixed-length models\"): windows of --context tokens every --stride tokens; each token",
            "is scored once, with the window's tokens before it as history. Progress goes to stderr."})
final class PerplexityCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PipelineMixin pipeline;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "UTF-8 text file ('-' for stdin).")
    String file;

    @Option(names = {"-c", "--context"}, paramLabel = "N", description = "Tokens per window (default: the model's context, 2048 for 20B/Pythia).")
    Integer context;

    @Option(names = "--stride", paramLabel = "N", description = "Tokens between window starts (default: a quarter of the window, 512 for 2048).")
    Integer stride;

    @Option(names = "--bos", description = "Put the BOS token before the text so that its first token is scored too.")
    boolean bos;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String text = Texts.readFileOrStdin(file);
        String name = file.equals("-") ? "standard input" : file;
        if (text.isEmpty()) {
            throw new Neox4jException(name + " is empty");
        }
        if (stride != null && stride < 1) {
            throw new Neox4jException("--stride must be at least 1, got " + stride);
        }
        try (LanguageModel lm = pipeline.load(modelOptions)) {
            int max = lm.config().maxPositions();
            if (context != null && (context < 2 || context > max)) {
                throw new Neox4jException("--context must be between 2 and the model's context of " + max + " tokens, got " + context);
            }
            PerplexityOptions options = new PerplexityOptions(context == null ? 0 : context, stride == null ? 0 : stride, bos);
            Perplexity perplexity = new Perplexity(lm.network(), options);
            PerplexityResult r;
            try {
                r = perplexity.evaluate(lm.requireTokenizer(), text, progress("tokens"));
            } catch (Neox4jException e) {
                throw new Neox4jException(name + ": " + e.getMessage(), e);
            }
            if (json) {
                ObjectNode o = JsonOut.object();
                JsonOut.put(o, "perplexity", r.perplexity());
                JsonOut.put(o, "bits_per_byte", r.bitsPerByte());
                JsonOut.put(o, "mean_nll", r.meanNegLogLikelihood());
                o.put("tokens", r.tokens());
                o.put("scored_tokens", r.scoredTokens());
                o.put("bytes", r.bytes());
                o.put("windows", r.windows());
                o.put("context", r.context());
                o.put("stride", r.stride());
                o.put("bos", bos);
                JsonOut.put(o, "seconds", r.nanos() / 1e9);
                JsonOut.put(o, "tokens_per_second", r.tokensPerSecond());
                JsonOut.print(o);
            } else {
                System.out.printf(Locale.ROOT, "perplexity:     %.4f%n", r.perplexity());
                System.out.printf(Locale.ROOT, "bits per byte:  %.4f%n", r.bitsPerByte());
                System.out.printf(Locale.ROOT, "mean NLL:       %.4f nats per token%n", r.meanNegLogLikelihood());
                System.out.printf(Locale.ROOT, "tokens:         %d (%d scored, %d windows of %d, stride %d%s)%n", r.tokens(), r.scoredTokens(),
                        r.windows(), r.context(), r.stride(), bos ? ", BOS prepended" : "");
                System.out.printf(Locale.ROOT, "bytes:          %d%n", r.bytes());
                System.out.printf(Locale.ROOT, "speed:          %.1f tokens/s (%.1f s)%n", r.tokensPerSecond(), r.nanos() / 1e9);
            }
        }
        return 0;
    }

    /** A progress bar on stderr counting {@code unit}. */
    private static ProgressBar progress(String unit) {
        return ProgressBar.items(new PrintWriter(System.err, true, StandardCharsets.UTF_8), unit);
    }
}
