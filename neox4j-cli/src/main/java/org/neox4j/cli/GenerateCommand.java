package org.neox4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.neox4j.Neox4jException;
import org.neox4j.generate.GenerationResult;
import org.neox4j.generate.GenerationSession;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.SamplingParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "generate",
        header = "Generate text after a prompt, streamed to stdout.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text after a prompt; the text streams to stdout as it is produced.",
            "Statistics go to stderr. Sampling defaults follow llama.cpp (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05)."})
final class GenerateCommand implements Callable<Integer> {
    enum OutputFormat { text, json }

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PipelineMixin pipeline;

    @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "The prompt (or use --prompt, --prompt-file, --prompt-token-ids).")
    String positionalPrompt;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The prompt text.")
    String prompt;

    @Option(names = {"-f", "--prompt-file"}, paramLabel = "FILE", description = "Read the prompt from FILE ('-' for stdin).")
    String promptFile;

    @Option(names = "--prompt-token-ids", paramLabel = "IDS", description = "The prompt as token ids, e.g. 1,2,3.")
    String promptTokenIds;

    @Option(names = {"-n", "--max-new-tokens"}, paramLabel = "N", defaultValue = "128", description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8", description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--greedy", description = "Greedy decoding (same as --temperature 0).")
    boolean greedy;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "Keep the K most likely tokens; 0 = off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "Nucleus sampling threshold; 1 = off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.05", description = "Drop tokens below P × the top probability; 0 = off (default: ${DEFAULT-VALUE}).")
    double minP;

    @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1.0", description = "Penalty for tokens already seen; 1 = off (default: ${DEFAULT-VALUE}).")
    double repetitionPenalty;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: random; printed with --output-format json).")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when the output contains TEXT (repeatable); TEXT is not printed.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "Keep generating past the end-of-text token.")
    boolean ignoreEos;

    @Option(names = {"-c", "--context"}, paramLabel = "N", description = "KV cache size in tokens (default: the model's max_position_embeddings).")
    Integer context;

    @Option(names = "--output-format", paramLabel = "FORMAT", defaultValue = "text", description = "text (streamed) or json (one object at the end).")
    OutputFormat outputFormat;

    @Override
    public Integer call() throws Exception {
        long chosenSeed = seed != null ? seed : new java.security.SecureRandom().nextLong();
        SamplingParams params = new SamplingParams(maxNewTokens, greedy ? 0 : temperature, topK, topP, minP,
                repetitionPenalty, chosenSeed, stop, ignoreEos);
        try (LanguageModel lm = pipeline.load(modelOptions)) {
            int[] promptIds = promptIds(lm);
            int ctx = context != null ? context : lm.config().maxPositions();
            if (ctx < 1) {
                throw new Neox4jException("--context must be at least 1, got " + ctx);
            }
            PrintStream out = System.out;
            boolean streamText = outputFormat == OutputFormat.text && lm.tokenizer().isPresent();
            GenerationResult result;
            try (GenerationSession session = lm.start(promptIds, params, ctx)) {
                result = session.drain(token -> {
                    if (streamText) {
                        out.print(token.text());
                        out.flush();
                    } else if (outputFormat == OutputFormat.text) {
                        out.print(token.id() + " ");
                        out.flush();
                    }
                });
            }
            if (outputFormat == OutputFormat.json) {
                out.println(json(result, chosenSeed));
            } else {
                out.println();
                System.err.printf("[%d prompt tokens in %.0f ms (%.1f tok/s); %d generated, %.2f tok/s; finish: %s]%n",
                        result.promptTokens(), result.prefillNanos() / 1e6, result.prefillTokensPerSecond(),
                        result.tokenIds().length, result.decodeTokensPerSecond(), result.finishReason().apiName());
            }
            modelOptions.reportPeakMemory();
        }
        return 0;
    }

    private int[] promptIds(LanguageModel lm) throws java.io.IOException {
        int given = (positionalPrompt != null ? 1 : 0) + (prompt != null ? 1 : 0) + (promptFile != null ? 1 : 0)
                + (promptTokenIds != null ? 1 : 0);
        if (given > 1) {
            throw new Neox4jException("give the prompt one way only: PROMPT, --prompt, --prompt-file or --prompt-token-ids");
        }
        if (promptTokenIds != null) {
            return TokenIds.parse(promptTokenIds, "--prompt-token-ids");
        }
        String text = positionalPrompt != null ? positionalPrompt : prompt;
        if (promptFile != null) {
            text = Texts.readFileOrStdin(promptFile);
        }
        if (text == null) {
            if (System.console() != null) {
                throw new Neox4jException("no prompt: give PROMPT, --prompt TEXT, --prompt-file FILE or --prompt-token-ids IDS");
            }
            text = Texts.readAll(System.in, "standard input");
        }
        int[] ids = lm.requireTokenizer().encode(text);
        if (ids.length == 0) {
            throw new Neox4jException("the prompt is empty; give some text or --prompt-token-ids");
        }
        return ids;
    }

    private static String json(GenerationResult r, long seed) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        var ids = o.putArray("token_ids");
        for (int id : r.tokenIds()) {
            ids.add(id);
        }
        if (r.text() != null) {
            o.put("text", r.text());
        } else {
            o.putNull("text");
        }
        o.put("finish_reason", r.finishReason().apiName());
        o.put("prompt_tokens", r.promptTokens());
        o.put("seed", seed);
        ObjectNode t = o.putObject("timings");
        t.put("prefill_ms", r.prefillNanos() / 1e6);
        t.put("decode_ms", r.decodeNanos() / 1e6);
        t.put("prefill_tokens_per_second", r.prefillTokensPerSecond());
        t.put("decode_tokens_per_second", r.decodeTokensPerSecond());
        return json.writeValueAsString(o);
    }
}
