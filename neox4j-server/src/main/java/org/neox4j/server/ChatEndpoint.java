package org.neox4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.neox4j.generate.TokenLogprobs;
import org.neox4j.generate.batch.SequenceRequest;

/** {@code POST /v1/chat/completions}: messages rendered through the chat template, then completed. */
final class ChatEndpoint implements Router.Endpoint {
    private static final Set<String> FIELDS = new HashSet<>(SamplingFields.NAMES);

    static {
        FIELDS.addAll(Set.of("messages", "max_completion_tokens", "logprobs", "top_logprobs", "response_format", "tools",
                "tool_choice", "functions", "function_call", "parallel_tool_calls"));
    }

    private final ServedModel served;
    private final ServerMetrics metrics;
    private final Duration timeout;
    private final ChatTemplate template;

    ChatEndpoint(ServedModel served, ServerMetrics metrics, Duration timeout, ChatTemplate template) {
        this.served = served;
        this.metrics = metrics;
        this.timeout = timeout;
        this.template = template;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        Params p = new Params(ex.readJson(), FIELDS);
        served.checkModel(p.string("model"));
        List<ChatTemplate.Message> messages = ChatMessages.read(p.required("messages"));
        if (served.tokenizer() == null) {
            throw ApiException.invalid("messages", "this model has no tokenizer.json, which chat needs");
        }
        for (String unsupported : List.of("tools", "tool_choice", "functions", "function_call")) {
            p.unsupportedUnlessEmpty(unsupported);
        }
        p.bool("parallel_tool_calls");
        if (p.node("response_format") != null) {
            Params rf = new Params(p.node("response_format"), Set.of("type"));
            if (!"text".equals(rf.string("type"))) {
                throw new ApiException(400, "invalid_request_error", "response_format", "unsupported_parameter",
                        "only response_format {\"type\": \"text\"} is supported");
            }
        }
        boolean logprobs = SamplingFields.orElse(p.bool("logprobs"), false);
        Integer top = p.integer("top_logprobs", 0, SequenceRequest.MAX_TOP_LOGPROBS);
        if (top != null && !logprobs) {
            throw ApiException.invalid("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        }
        SamplingFields f = SamplingFields.read(p, template.stop());
        int[] prompt = served.tokenizer().encode(template.render(messages));
        Integer maxTokens = p.integer("max_completion_tokens", 1, served.context());
        if (maxTokens == null) {
            maxTokens = p.integer("max_tokens", 1, served.context());
        }
        if (maxTokens == null) {
            maxTokens = Math.max(1, served.context() - prompt.length); // OpenAI's default: the rest of the context
        }
        served.checkLength(prompt.length, maxTokens, "messages");
        List<SequenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < f.n(); i++) {
            requests.add(new SequenceRequest(prompt, f.params(maxTokens, i), logprobs ? (top == null ? 0 : top) : -1, false));
        }
        Response r = new Response(ex, "chatcmpl-" + Ids.random(), Ids.now(), logprobs);
        try (GenerationRun run = new GenerationRun(served.scheduler(), metrics, timeout)) {
            run.submit(requests);
            metrics.promptTokens(prompt.length);
            if (f.stream()) {
                r.stream(run, f.includeUsage() ? prompt.length : -1);
            } else {
                r.plain(run, prompt, f.n());
            }
        }
    }

    /** Writes the response of one request. */
    private final class Response {
        private final Exchange ex;
        private final String id;
        private final long created;
        private final boolean logprobs;

        Response(Exchange ex, String id, long created, boolean logprobs) {
            this.ex = ex;
            this.id = id;
            this.created = created;
            this.logprobs = logprobs;
        }

        private ObjectNode envelope(String object) {
            ObjectNode o = Json.object();
            o.put("id", id);
            o.put("object", object);
            o.put("created", created);
            o.put("model", served.name());
            return o;
        }

        private ObjectNode logprobsJson(List<TokenLogprobs> list) {
            ArrayNode content = Json.array();
            for (TokenLogprobs lp : list) {
                ObjectNode entry = entry(lp.id(), lp.logprob());
                ArrayNode top = Json.array();
                for (int i = 0; i < lp.topIds().length; i++) {
                    top.add(entry(lp.topIds()[i], lp.topLogprobs()[i]));
                }
                entry.set("top_logprobs", top);
                content.add(entry);
            }
            ObjectNode o = Json.object();
            o.set("content", content);
            o.putNull("refusal");
            return o;
        }

        private ObjectNode entry(int id, float logprob) {
            String text = ChoiceOutput.tokenText(served.tokenizer(), id);
            ObjectNode e = Json.object();
            e.put("token", text);
            e.put("logprob", logprob);
            ArrayNode bytes = Json.array();
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                bytes.add(b & 0xff);
            }
            e.set("bytes", bytes);
            return e;
        }

        void plain(GenerationRun run, int[] prompt, int n) throws Exception {
            List<Prompts.Prompt> promptOfChoice = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                promptOfChoice.add(new Prompts.Prompt(prompt, ""));
            }
            List<ChoiceOutput> outputs = ChoiceOutput.collect(run, promptOfChoice);
            ArrayNode choices = Json.array();
            long completionTokens = 0;
            for (int i = 0; i < outputs.size(); i++) {
                ChoiceOutput o = outputs.get(i);
                ObjectNode message = Json.object();
                message.put("role", "assistant");
                message.put("content", o.text());
                message.putNull("refusal");
                ObjectNode c = Json.object();
                c.put("index", i);
                c.set("message", message);
                c.set("logprobs", logprobs ? logprobsJson(o.logprobs) : null);
                c.put("finish_reason", o.end.finishReason().apiName());
                choices.add(c);
                completionTokens += o.end.generatedTokens();
            }
            ObjectNode body = envelope("chat.completion");
            body.set("choices", choices);
            body.set("usage", new Usage(prompt.length, completionTokens).toJson());
            ex.sendJson(200, body);
        }

        void stream(GenerationRun run, long usagePromptTokens) throws Exception {
            Exchange.SseStream sse = ex.openSse();
            StreamedResponse.send(sse, run, usagePromptTokens, envelope("chat.completion.chunk"), () -> {
                boolean[] started = new boolean[SamplingFields.MAX_N];
                long completionTokens = 0;
                for (GenerationRun.Event e; (e = run.next()) != null; ) {
                    int i = e.choice();
                    ObjectNode delta = Json.object();
                    if (!started[i]) {
                        delta.put("role", "assistant");
                        delta.put("content", "");
                        started[i] = true;
                    }
                    switch (e) {
                        case GenerationRun.PromptLogprobs ignored -> {
                        }
                        case GenerationRun.Token t -> {
                            String text = t.token().text() == null ? "" : t.token().text();
                            if (!text.isEmpty() || t.logprobs() != null || delta.has("role")) {
                                delta.put("content", text);
                                sse.send(chunk(i, delta, t.logprobs() == null ? null : logprobsJson(List.of(t.logprobs())), null));
                            }
                        }
                        case GenerationRun.End end -> {
                            ChoiceOutput.failIfFailed(end.end());
                            completionTokens += end.end().generatedTokens();
                            sse.send(chunk(i, delta, null, end.end().finishReason().apiName()));
                        }
                    }
                }
                return completionTokens;
            });
        }

        private ObjectNode chunk(int index, ObjectNode delta, ObjectNode lp, String finish) {
            ObjectNode c = Json.object();
            c.put("index", index);
            c.set("delta", delta);
            c.set("logprobs", lp);
            c.put("finish_reason", finish);
            ObjectNode o = envelope("chat.completion.chunk");
            o.set("choices", Json.array().add(c));
            return o;
        }
    }
}
