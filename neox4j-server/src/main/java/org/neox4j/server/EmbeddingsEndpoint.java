package org.neox4j.server;

import org.neox4j.score.Embeddings;
import org.neox4j.score.Pooling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** {@code POST /v1/embeddings}: mean-pooled final hidden states, as floats or base64 (little-endian float32). */
final class EmbeddingsEndpoint implements Router.Endpoint {
    private static final Set<String> FIELDS = Set.of("model", "input", "encoding_format", "dimensions", "user");

    private final ServedModel served;
    private final ServerMetrics metrics;

    EmbeddingsEndpoint(ServedModel served, ServerMetrics metrics) {
        this.served = served;
        this.metrics = metrics;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        Params p = new Params(ex.readJson(), FIELDS);
        served.checkModel(p.string("model"));
        List<Prompts.Prompt> inputs = Prompts.read(p.required("input"), "input", served.tokenizer(), served.vocabSize());
        String format = SamplingFields.orElse(p.string("encoding_format"), "float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiException.invalid("encoding_format", "'encoding_format' must be 'float' or 'base64', got '" + format + "'");
        }
        if (p.node("dimensions") != null) {
            throw new ApiException(400, "invalid_request_error", "dimensions", "unsupported_parameter",
                    "'dimensions' is not supported: the embedding has the model's hidden size");
        }
        p.string("user");
        long tokens = 0;
        for (Prompts.Prompt in : inputs) {
            if (in.ids().length > served.context()) {
                throw new ApiException(400, "invalid_request_error", "input", "context_length_exceeded",
                        "an input has " + in.ids().length + " tokens, more than the context of " + served.context());
            }
            tokens += in.ids().length;
        }
        // mean-pooled final hidden states (after the final LayerNorm, HF's last_hidden_state), batched
        List<float[]> vectors = new Embeddings(served.model().model().network())
                .embed(inputs.stream().map(Prompts.Prompt::ids).toList(), -1, Pooling.MEAN);
        ArrayNode data = Json.array();
        for (int i = 0; i < inputs.size(); i++) {
            float[] e = vectors.get(i);
            ObjectNode item = Json.object();
            item.put("object", "embedding");
            item.put("index", i);
            if (format.equals("base64")) {
                ByteBuffer b = ByteBuffer.allocate(e.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(e);
                item.put("embedding", Base64.getEncoder().encodeToString(b.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : e) {
                    values.add(v);
                }
            }
            data.add(item);
        }
        metrics.promptTokens(tokens);
        ObjectNode body = Json.object();
        body.put("object", "list");
        body.set("data", data);
        body.put("model", served.name());
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        ex.sendJson(200, body);
    }
}
