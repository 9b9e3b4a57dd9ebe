package org.neox4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.completions.CompletionCreateParams;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad requests get OpenAI-style errors with the right status and the parameter at fault, never a stack trace. */
class ValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(new org.neox4j.generate.batch.BatchOptions(4, 64L << 20, 4, 256),
                TestServer.options().withMaxBodyBytes(4096));
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), "no stack trace or exception names: " + r.body());
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertTrue(e.get("message").asText().length() > 10, r.body());
        assertTrue(e.has("type") && e.has("param") && e.has("code"), r.body());
        return e;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"prompt\": \"x\", \"max_tokens\": \"ten\"}|max_tokens",
        "{\"prompt\": \"x\", \"max_tokens\": 1.5}|max_tokens",
        "{\"prompt\": \"x\", \"max_tokens\": -1}|max_tokens",
        "{\"prompt\": \"x\", \"temperature\": 3}|temperature",
        "{\"prompt\": \"x\", \"temperature\": \"hot\"}|temperature",
        "{\"prompt\": \"x\", \"top_p\": 0}|top_p",
        "{\"prompt\": \"x\", \"min_p\": 1}|min_p",
        "{\"prompt\": \"x\", \"n\": 0}|n",
        "{\"prompt\": \"x\", \"n\": 17}|n",
        "{\"prompt\": \"x\", \"presence_penalty\": 2.5}|presence_penalty",
        "{\"prompt\": \"x\", \"frequency_penalty\": -3}|frequency_penalty",
        "{\"prompt\": \"x\", \"repetition_penalty\": 0}|repetition_penalty",
        "{\"prompt\": \"x\", \"stop\": 5}|stop",
        "{\"prompt\": \"x\", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}|stop",
        "{\"prompt\": \"x\", \"seed\": \"abc\"}|seed",
        "{\"prompt\": \"x\", \"logprobs\": 21}|logprobs",
        "{\"prompt\": \"x\", \"echo\": \"yes\"}|echo",
        "{\"prompt\": \"x\", \"stream\": 1}|stream",
        "{\"prompt\": \"x\", \"stream_options\": {\"include_usage\": true}}|stream_options",
        "{\"prompt\": \"x\", \"suffix\": \"end\"}|suffix",
        "{\"prompt\": \"x\", \"logit_bias\": {\"50\": 10}}|logit_bias",
        "{\"prompt\": \"x\", \"frobnicate\": true}|frobnicate",
        "{\"prompt\": \"x\", \"max_tokens\": 0}|max_tokens",
        "{\"prompt\": 12}|prompt",
        "{\"prompt\": []}|prompt",
        "{\"prompt\": [1, 99999999]}|prompt",
        "{\"prompt\": [[1, 2], [-1]]}|prompt",
        "{\"prompt\": \"\"}|prompt",
        "{\"max_tokens\": 5}|prompt",
        "{\"prompt\": \"x\", \"max_tokens\": 256}|max_tokens",
    })
    void completionParametersAreCheckedStrictly(String body, String param) throws Exception {
        JsonNode e = error(t.post("/v1/completions", body), 400);
        assertEquals(param, e.get("param").asText(), e.toString());
        assertEquals("invalid_request_error", e.get("type").asText());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{}|messages",
        "{\"messages\": []}|messages",
        "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}|messages[0].role",
        "{\"messages\": [{\"role\": \"user\"}]}|messages[0].content",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"tool_calls\": []}]}|tool_calls",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": 2}|top_logprobs",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"type\": \"function\"}]}|tools",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": {\"type\": \"json_object\"}}|response_format",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_completion_tokens\": 0}|max_completion_tokens",
    })
    void chatParametersAreCheckedStrictly(String body, String param) throws Exception {
        JsonNode e = error(t.post("/v1/chat/completions", body), 400);
        assertEquals(param, e.get("param").asText(), e.toString());
    }

    @Test
    void malformedBodies() throws Exception {
        assertEquals("invalid_json", error(t.post("/v1/completions", "{\"prompt\": "), 400).get("code").asText());
        assertEquals("invalid_json", error(t.post("/v1/completions", "[1, 2]"), 400).get("code").asText());
        assertEquals("invalid_json", error(t.post("/v1/completions", ""), 400).get("code").asText());
        String huge = "{\"prompt\": \"" + "a".repeat(5000) + "\"}";
        assertEquals("request_too_large", error(t.post("/v1/completions", huge), 413).get("code").asText());
        assertEquals(400, t.post("/v1/embeddings", "{\"input\": \"x\", \"dimensions\": 8}").statusCode());
        assertEquals(400, t.post("/v1/embeddings", "{\"input\": \"x\", \"encoding_format\": \"int8\"}").statusCode());
    }

    @Test
    void apiKeyIsRequiredOnV1Only() throws Exception {
        assertEquals("invalid_api_key", error(t.http("POST", "/v1/completions", "{\"prompt\": \"x\"}", null), 401).get("code").asText());
        assertEquals("invalid_api_key", error(t.http("GET", "/v1/models", null, "sk-wrong"), 401).get("code").asText());
        assertEquals(200, t.http("GET", "/v1/models", null, TestServer.KEY).statusCode());
        assertEquals(200, t.http("GET", "/health", null, null).statusCode());
        assertEquals(200, t.http("GET", "/", null, null).statusCode());
        var client = OpenAIOkHttpClient.builder().baseUrl(t.server.url() + "/v1").apiKey("sk-wrong").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> client.completions()
                .create(CompletionCreateParams.builder().model(TestServer.MODEL).prompt("x").maxTokens(1).build()));
        assertEquals(401, e.statusCode());
    }

    @Test
    void theSdkSeesParameterErrors() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> t.client().completions()
                .create(CompletionCreateParams.builder().model(TestServer.MODEL).prompt("x").maxTokens(1).temperature(5.0).build()));
        assertEquals("temperature", e.param().orElseThrow());
        assertEquals(400, e.statusCode());
    }

    @Test
    void unknownPathsMethodsAndModels() throws Exception {
        assertEquals("unknown_url", error(t.http("GET", "/v1/nothing", null, TestServer.KEY), 404).get("code").asText());
        HttpResponse<String> r = t.http("GET", "/v1/completions", null, TestServer.KEY);
        assertEquals("method_not_allowed", error(r, 405).get("code").asText());
        assertEquals("POST", r.headers().firstValue("Allow").orElseThrow());
        JsonNode e = error(t.post("/v1/completions", "{\"model\": \"gpt-4\", \"prompt\": \"x\"}"), 404);
        assertEquals("model_not_found", e.get("code").asText());
        assertEquals("model", e.get("param").asText());
    }
}
