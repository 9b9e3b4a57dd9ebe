package org.neox4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neox4j.generate.GenerationResult;
import org.neox4j.generate.SamplingParams;

/** The official OpenAI Java SDK as the client: every response must parse, and carry the engine's output. */
class OpenAiSdkTest {
    private static TestServer t;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        t = TestServer.standard();
        client = t.client();
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static GenerationResult engine(String prompt, SamplingParams params) {
        return t.lm.generate(prompt, params, null);
    }

    private static CompletionCreateParams.Builder completion(String prompt, long maxTokens) {
        return CompletionCreateParams.builder().model(TestServer.MODEL).prompt(prompt).maxTokens(maxTokens).temperature(0.0);
    }

    @Test
    void plainCompletionIsTheEnginesGreedyOutput() {
        Completion c = client.completions().create(completion("The capital of France is", 12).build());
        GenerationResult expected = engine("The capital of France is", SamplingParams.greedy(12));
        assertEquals(1, c.choices().size());
        CompletionChoice choice = c.choices().get(0);
        assertEquals(expected.text(), choice.text());
        assertEquals(expected.finishReason().apiName(), choice.finishReason().asString());
        assertEquals(TestServer.MODEL, c.model());
        assertTrue(c.id().startsWith("cmpl-"));
        assertEquals(expected.promptTokens(), c.usage().orElseThrow().promptTokens());
        assertEquals(expected.tokenIds().length, c.usage().orElseThrow().completionTokens());
    }

    @Test
    void streamedCompletionConcatenatesToThePlainOne() {
        String plain = client.completions().create(completion("Once upon a time", 15).build()).choices().get(0).text();
        StringBuilder streamed = new StringBuilder();
        List<String> finishes = new ArrayList<>();
        long[] usage = {-1};
        CompletionCreateParams params = completion("Once upon a time", 15)
                .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
                for (CompletionChoice c : chunk.choices()) {
                    streamed.append(c.text());
                    c._finishReason().asKnown().ifPresent(f -> finishes.add(f.asString()));
                }
            });
        }
        assertEquals(plain, streamed.toString());
        assertEquals(List.of("length"), finishes);
        assertEquals(15, usage[0]);
    }

    @Test
    void stopStringsSeveralPromptsAndChoices() {
        GenerationResult expected = engine("1, 2, 3,", SamplingParams.greedy(20).withStopStrings(List.of(" the", ",")));
        Completion c = client.completions().create(CompletionCreateParams.builder().model(TestServer.MODEL)
                .promptOfArrayOfStrings(List.of("1, 2, 3,", "Hello")).n(2).maxTokens(20).temperature(0.0)
                .stopOfStrings(List.of(" the", ",")).build());
        assertEquals(4, c.choices().size());
        for (int i = 0; i < 2; i++) {
            assertEquals(i, c.choices().get(i).index());
            assertEquals(expected.text(), c.choices().get(i).text(), "greedy choices of one prompt agree");
            assertEquals(expected.finishReason().apiName(), c.choices().get(i).finishReason().asString());
        }
        assertEquals(engine("Hello", SamplingParams.greedy(20).withStopStrings(List.of(" the", ","))).text(), c.choices().get(3).text());
    }

    @Test
    void seededSamplingIsReproducibleAndPenaltiesAreAccepted() {
        CompletionCreateParams params = CompletionCreateParams.builder().model(TestServer.MODEL).prompt("In a village")
                .maxTokens(10).temperature(0.9).topP(0.9).seed(1234).presencePenalty(0.5).frequencyPenalty(0.5)
                .putAdditionalBodyProperty("top_k", JsonValue.from(50))
                .putAdditionalBodyProperty("repetition_penalty", JsonValue.from(1.1))
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build();
        String a = client.completions().create(params).choices().get(0).text();
        String b = client.completions().create(params).choices().get(0).text();
        assertEquals(a, b);
        SamplingParams same = new SamplingParams(10, 0.9, 50, 0.9, 0, 1.1, 0.5, 0.5, 1234, List.of(), true);
        assertEquals(engine("In a village", same).text(), a);
    }

    @Test
    void logprobsAndEcho() {
        Completion c = client.completions().create(completion("The meaning of life", 3).logprobs(2).echo(true).build());
        CompletionChoice choice = c.choices().get(0);
        assertTrue(choice.text().startsWith("The meaning of life"));
        CompletionChoice.Logprobs lp = choice.logprobs().orElseThrow();
        int promptTokens = t.lm.requireTokenizer().encode("The meaning of life").length;
        assertEquals(promptTokens + 3, lp.tokens().orElseThrow().size());
        assertEquals(String.join("", lp.tokens().orElseThrow()), choice.text());
        List<Double> values = lp.tokenLogprobs().orElseThrow();
        assertEquals(null, values.get(0), "nothing predicts the first prompt token");
        for (int i = 1; i < values.size(); i++) {
            assertTrue(values.get(i) <= 0, "log-probabilities are <= 0");
        }
        assertEquals(0L, lp.textOffset().orElseThrow().get(0));
    }

    @Test
    void chatPlainAndStreamedAgree() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TestServer.MODEL)
                .addSystemMessage("You are terse.").addUserMessage("Name a colour.").maxCompletionTokens(10).temperature(0.0)
                .build();
        ChatCompletion plain = client.chat().completions().create(params);
        String content = plain.choices().get(0).message().content().orElseThrow();
        String prompt = ChatTemplate.defaultTemplate().render(List.of(new ChatTemplate.Message("system", "You are terse."),
                new ChatTemplate.Message("user", "Name a colour.")));
        GenerationResult expected = engine(prompt, SamplingParams.greedy(10).withStopStrings(ChatTemplate.defaultTemplate().stop()));
        assertEquals(expected.text(), content);
        assertEquals(expected.promptTokens(), plain.usage().orElseThrow().promptTokens());
        StringBuilder streamed = new StringBuilder();
        List<String> roles = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
                ch.delta().content().ifPresent(streamed::append);
                ch.delta().role().ifPresent(r -> roles.add(r.asString()));
            }));
        }
        assertEquals(content, streamed.toString());
        assertEquals(List.of("assistant"), roles);
    }

    @Test
    void chatLogprobs() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model(TestServer.MODEL)
                .addUserMessage("Hi").maxCompletionTokens(4).temperature(0.0).logprobs(true).topLogprobs(3)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build());
        var content = c.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertEquals(4, content.size());
        assertEquals(3, content.get(0).topLogprobs().size());
        assertEquals(content.get(0).token(), content.get(0).topLogprobs().get(0).token(), "greedy takes the most likely");
    }

    @Test
    void embeddingsAndModels() {
        CreateEmbeddingResponse e = client.embeddings().create(EmbeddingCreateParams.builder().model(TestServer.MODEL)
                .inputOfArrayOfStrings(List.of("hello world", "another text")).build());
        assertEquals(2, e.data().size());
        List<Float> first = e.data().get(0).embedding();
        assertEquals(t.lm.config().hiddenSize(), first.size());
        float[] direct = new org.neox4j.score.Embeddings(t.lm.model().network())
                .embed(t.lm.requireTokenizer().encode("hello world"), -1, org.neox4j.score.Pooling.MEAN);
        for (int i = 0; i < direct.length; i++) {
            assertEquals(direct[i], first.get(i), 1e-6);
        }
        assertEquals(t.lm.requireTokenizer().encode("hello world").length + t.lm.requireTokenizer().encode("another text").length,
                e.usage().promptTokens());
        var models = client.models().list().data();
        assertEquals(1, models.size());
        assertEquals(TestServer.MODEL, models.get(0).id());
    }
}
