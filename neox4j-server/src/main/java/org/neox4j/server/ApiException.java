package org.neox4j.server;

/**
 * An error to answer with OpenAI's error JSON: {@code {"error": {"message", "type", "param", "code"}}}.
 * The message is written for the client; it never carries a stack trace.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: a request parameter is missing, of the wrong type or out of range. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, "invalid_value", message);
    }

    /** 400: the request body is not a JSON object. */
    public static ApiException badJson(String message) {
        return new ApiException(400, "invalid_request_error", null, "invalid_json", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
