package org.neox4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.neox4j.Neox4jException;
import org.neox4j.generate.LanguageModel;
import org.neox4j.score.HarnessEncoding;
import org.neox4j.score.Score;
import org.neox4j.score.ScoreOptions;
import org.neox4j.score.Scorer;
import org.neox4j.score.eval.EvalData;
import org.neox4j.score.eval.Evaluation;
import org.neox4j.score.eval.LambadaDoc;
import org.neox4j.score.eval.LambadaResult;
import org.neox4j.score.eval.MultipleChoiceDoc;
import org.neox4j.score.eval.MultipleChoiceResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval",
        header = "Zero-shot evaluation (LAMBADA, multiple choice) as lm-evaluation-harness computes it.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Zero-shot evaluation as lm-evaluation-harness computes it, on a JSON Lines file:",
            "  lambada          {\"text\": ...}: the last word is the target (lambada_openai); acc and perplexity",
            "  multiple-choice  {\"context\": ..., \"choices\": [...], \"gold\": i}: acc, acc_norm, acc_bytes",
            "Progress goes to stderr. See docs/SCORING.md."})
final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PipelineMixin pipeline;

    @Option(names = "--task", paramLabel = "TASK", required = true, description = "lambada or multiple-choice.")
    String task;

    @Option(names = {"-f", "--file"}, paramLabel = "DATA.jsonl", required = true, description = "The data set, one JSON object per line.")
    Path file;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Evaluate only the first N documents (default: all).")
    int limit;

    @Option(names = "--target-delimiter", paramLabel = "TEXT", defaultValue = " ",
            description = "multiple-choice: what goes between the context and each choice (default: one space, as in the harness).")
    String targetDelimiter;

    @Option(names = "--samples", paramLabel = "FILE.jsonl", description = "Also write each document's result, one JSON object per line.")
    Path samples;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (limit < 0) {
            throw new Neox4jException("--limit must be 0 (all) or positive, got " + limit);
        }
        boolean lambada = switch (task) {
            case "lambada" -> true;
            case "multiple-choice" -> false;
            default -> throw new Neox4jException("unknown task '" + task + "' (expected lambada or multiple-choice)");
        };
        // read the data before loading the model, so that a bad file fails fast
        List<LambadaDoc> lambadaDocs = lambada ? EvalData.readLambada(file, limit) : null;
        List<MultipleChoiceDoc> choiceDocs = lambada ? null : EvalData.readMultipleChoice(file, limit);
        int documents = lambada ? lambadaDocs.size() : choiceDocs.size();
        try (LanguageModel lm = pipeline.load(modelOptions)) {
            Evaluation evaluation = new Evaluation(new Scorer(lm.network(), ScoreOptions.defaults()), HarnessEncoding.of(lm));
            ObjectNode o = JsonOut.object();
            o.put("task", task);
            o.put("file", file.toString());
            o.put("documents", documents);
            ObjectNode metrics = o.putObject("metrics");
            if (lambada) {
                LambadaResult r = evaluation.lambada(lambadaDocs, progress("requests"));
                JsonOut.put(metrics, "acc", r.accuracy());
                JsonOut.put(metrics, "acc_stderr", r.accuracyStderr());
                JsonOut.put(metrics, "perplexity", r.perplexity());
                writeLambadaSamples(r);
            } else {
                MultipleChoiceResult r = evaluation.multipleChoice(choiceDocs, targetDelimiter,
                        progress("requests"));
                JsonOut.put(metrics, "acc", r.accuracy());
                JsonOut.put(metrics, "acc_stderr", r.accuracyStderr());
                JsonOut.put(metrics, "acc_norm", r.accuracyNorm());
                JsonOut.put(metrics, "acc_norm_stderr", r.accuracyNormStderr());
                JsonOut.put(metrics, "acc_bytes", r.accuracyBytes());
                JsonOut.put(metrics, "acc_bytes_stderr", r.accuracyBytesStderr());
                writeChoiceSamples(r);
            }
            if (json) {
                JsonOut.print(o);
            } else {
                System.out.printf("%s: %d documents from %s%n", task, documents, file);
                for (String name : List.of("acc", "acc_norm", "acc_bytes", "perplexity")) {
                    if (metrics.has(name)) {
                        var stderr = metrics.get(name + "_stderr");
                        System.out.printf(Locale.ROOT, "%-11s %.4f%s%n", name, metrics.get(name).asDouble(),
                                stderr == null || stderr.isNull() ? "" : String.format(Locale.ROOT, " ± %.4f", stderr.asDouble()));
                    }
                }
            }
        }
        return 0;
    }

    private void writeLambadaSamples(LambadaResult r) throws IOException {
        if (samples == null) {
            return;
        }
        try (BufferedWriter out = Files.newBufferedWriter(samples, StandardCharsets.UTF_8)) {
            int i = 0;
            for (LambadaResult.Item item : r.items()) {
                ObjectNode s = JsonOut.object();
                s.put("doc", i++);
                s.put("source", item.doc().source());
                s.put("target", item.doc().target());
                tokens(s.putArray("target_token_ids"), item.score());
                s.put("logprob", item.score().logprob());
                s.put("greedy", item.correct());
                out.write(JsonOut.MAPPER.writeValueAsString(s));
                out.newLine();
            }
        }
    }

    private void writeChoiceSamples(MultipleChoiceResult r) throws IOException {
        if (samples == null) {
            return;
        }
        try (BufferedWriter out = Files.newBufferedWriter(samples, StandardCharsets.UTF_8)) {
            int i = 0;
            for (MultipleChoiceResult.Item item : r.items()) {
                ObjectNode s = JsonOut.object();
                s.put("doc", i++);
                s.put("source", item.doc().source());
                s.put("gold", item.doc().gold());
                ArrayNode ll = s.putArray("logprobs");
                for (double v : item.logprobs()) {
                    ll.add(v);
                }
                s.put("prediction", item.prediction());
                s.put("prediction_norm", item.predictionNorm());
                s.put("prediction_bytes", item.predictionBytes());
                out.write(JsonOut.MAPPER.writeValueAsString(s));
                out.newLine();
            }
        }
    }

    private static void tokens(ArrayNode into, Score s) {
        for (int id : s.request().continuation()) {
            into.add(id);
        }
    }

    /** A progress bar on stderr counting {@code unit}. */
    private static ProgressBar progress(String unit) {
        return ProgressBar.items(new PrintWriter(System.err, true, StandardCharsets.UTF_8), unit);
    }
}
