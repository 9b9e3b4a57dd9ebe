package org.neox4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.neox4j.generate.batch.SequenceRequest;

/** {@code POST /v1/completions}: text completion of one or more prompts, plain or streamed. */
final class CompletionsEndpoint implements Router.Endpoint {
    static final int DEFAULT_MAX_TOKENS = 16;
    private static final Set<String> FIELDS = new HashSet<>(SamplingFields.NAMES);

    static {
        FIELDS.addAll(Set.of("prompt", "logprobs", "echo", "suffix", "best_of"));
    }

    private final ServedModel served;
    private final ServerMetrics metrics;
    private final Duration timeout;

    CompletionsEndpoint(ServedModel served, ServerMetrics metrics, Duration timeout) {
        this.served = served;
        this.metrics = metrics;
        this.timeout = timeout;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        Params p = new Params(ex.readJson(), FIELDS);
        served.checkModel(p.string("model"));
        List<Prompts.Prompt> prompts = Prompts.read(p.required("prompt"), "prompt", served.tokenizer(), served.vocabSize());
        int maxTokens = SamplingFields.orElse(p.integer("max_tokens", 0, served.context()), DEFAULT_MAX_TOKENS);
        Integer logprobs = p.integer("logprobs", 0, SequenceRequest.MAX_TOP_LOGPROBS);
        boolean echo = SamplingFields.orElse(p.bool("echo"), false);
        p.unsupportedUnlessEmpty("suffix");
        SamplingFields f = SamplingFields.read(p, List.of());
        Integer bestOf = p.integer("best_of", 1, SamplingFields.MAX_N);
        if (bestOf != null && bestOf != f.n()) {
            throw new ApiException(400, "invalid_request_error", "best_of", "unsupported_parameter",
                    "'best_of' other than n is not supported by this server");
        }
        if (maxTokens == 0 && !echo) {
            throw ApiException.invalid("max_tokens", "'max_tokens' may be 0 only with 'echo' (to score the prompt)");
        }
        List<Prompts.Prompt> promptOfChoice = new ArrayList<>();
        List<SequenceRequest> requests = new ArrayList<>();
        long promptTokens = 0;
        for (Prompts.Prompt prompt : prompts) {
            served.checkLength(prompt.ids().length, maxTokens, "prompt");
            promptTokens += prompt.ids().length;
            for (int i = 0; i < f.n(); i++) {
                promptOfChoice.add(prompt);
                requests.add(new SequenceRequest(prompt.ids(), f.params(maxTokens, i), logprobs == null ? -1 : logprobs,
                        echo && logprobs != null));
            }
        }
        Response r = new Response(ex, "cmpl-" + Ids.random(), Ids.now(), promptOfChoice, echo, logprobs != null);
        try (GenerationRun run = new GenerationRun(served.scheduler(), metrics, timeout)) {
            run.submit(requests);
            metrics.promptTokens(promptTokens);
            if (f.stream()) {
                r.stream(run, f.includeUsage() ? promptTokens : -1);
            } else {
                r.plain(run, promptTokens);
            }
        }
    }

    /** Writes the response of one request. */
    private final class Response {
        private final Exchange ex;
        private final String id;
        private final long created;
        private final List<Prompts.Prompt> promptOfChoice;
        private final boolean echo;
        private final boolean logprobs;

        Response(Exchange ex, String id, long created, List<Prompts.Prompt> promptOfChoice, boolean echo, boolean logprobs) {
            this.ex = ex;
            this.id = id;
            this.created = created;
            this.promptOfChoice = promptOfChoice;
            this.echo = echo;
            this.logprobs = logprobs;
        }

        private ObjectNode envelope() {
            ObjectNode o = Json.object();
            o.put("id", id);
            o.put("object", "text_completion");
            o.put("created", created);
            o.put("model", served.name());
            return o;
        }

        private ObjectNode choice(int index, String text, ObjectNode lp, String finish) {
            ObjectNode c = Json.object();
            c.put("index", index);
            c.put("text", text);
            c.set("logprobs", lp);
            c.put("finish_reason", finish);
            return c;
        }

        void plain(GenerationRun run, long promptTokens) throws Exception {
            List<ChoiceOutput> outputs = ChoiceOutput.collect(run, promptOfChoice);
            ArrayNode choices = Json.array();
            long completionTokens = 0;
            for (int i = 0; i < outputs.size(); i++) {
                ChoiceOutput o = outputs.get(i);
                String prefix = echo ? o.prompt.text() : "";
                ObjectNode lp = null;
                if (logprobs) {
                    CompletionLogprobs l = new CompletionLogprobs(served.tokenizer(), echo ? 0 : o.prompt.text().length());
                    if (echo) {
                        l.addPrompt(o.prompt.ids(), o.promptLogprobs);
                    }
                    o.logprobs.forEach(l::add);
                    lp = l.toJson();
                }
                choices.add(choice(i, prefix + o.text(), lp, o.end.finishReason().apiName()));
                completionTokens += o.end.generatedTokens();
            }
            ObjectNode body = envelope();
            body.set("choices", choices);
            body.set("usage", new Usage(promptTokens, completionTokens).toJson());
            ex.sendJson(200, body);
        }

        /** Streams one chunk per token; {@code usagePromptTokens} >= 0 adds a final usage chunk. */
        void stream(GenerationRun run, long usagePromptTokens) throws Exception {
            Exchange.SseStream sse = ex.openSse();
            StreamedResponse.send(sse, run, usagePromptTokens, envelope(), () -> {
                if (echo && !logprobs) { // with logprobs, the prompt comes with its scores below
                    for (int i = 0; i < promptOfChoice.size(); i++) {
                        sse.send(chunk(choice(i, promptOfChoice.get(i).text(), null, null)));
                    }
                }
                long completionTokens = 0;
                for (GenerationRun.Event e; (e = run.next()) != null; ) {
                    int i = e.choice();
                    switch (e) {
                        case GenerationRun.PromptLogprobs pl -> {
                            CompletionLogprobs l = new CompletionLogprobs(served.tokenizer(), 0);
                            l.addPrompt(promptOfChoice.get(i).ids(), pl.logprobs());
                            sse.send(chunk(choice(i, promptOfChoice.get(i).text(), l.toJson(), null)));
                        }
                        case GenerationRun.Token t -> {
                            String text = t.token().text() == null ? "" : t.token().text();
                            if (!text.isEmpty() || t.logprobs() != null) {
                                ObjectNode lp = null;
                                if (t.logprobs() != null) {
                                    CompletionLogprobs l = new CompletionLogprobs(served.tokenizer(), 0);
                                    l.add(t.logprobs());
                                    lp = l.toJson();
                                }
                                sse.send(chunk(choice(i, text, lp, null)));
                            }
                        }
                        case GenerationRun.End end -> {
                            ChoiceOutput.failIfFailed(end.end());
                            completionTokens += end.end().generatedTokens();
                            sse.send(chunk(choice(i, "", null, end.end().finishReason().apiName())));
                        }
                    }
                }
                return completionTokens;
            });
        }

        private ObjectNode chunk(ObjectNode choice) {
            ObjectNode o = envelope();
            o.set("choices", Json.array().add(choice));
            return o;
        }
    }
}
