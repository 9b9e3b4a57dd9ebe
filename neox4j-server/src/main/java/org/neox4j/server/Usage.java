package org.neox4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Token counts of one request, as OpenAI reports them. */
record Usage(long promptTokens, long completionTokens) {

    ObjectNode toJson() {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", promptTokens);
        u.put("completion_tokens", completionTokens);
        u.put("total_tokens", promptTokens + completionTokens);
        return u;
    }
}
