package org.neox4j.cluster;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.neox4j.Neox4jException;

/**
 * The shared secret between a coordinator and its workers. The coordinator sends it as
 * {@code authorization: Bearer TOKEN} on every call; a worker refuses calls without it, comparing
 * in constant time. Send it over TLS only where the network is not trusted (docs/CLUSTER.md).
 */
public final class ClusterToken {
    /** Shorter secrets are refused: guessable, and a sign of a placeholder. */
    public static final int MIN_LENGTH = 16;

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String SCHEME = "Bearer ";

    private final byte[] digest;
    private final String value;

    private ClusterToken(String value) {
        if (value.length() < MIN_LENGTH) {
            throw new Neox4jException("the cluster token has " + value.length() + " characters; use at least " + MIN_LENGTH
                    + " (e.g. openssl rand -hex 32 > token)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new Neox4jException("the cluster token must be printable ASCII without spaces (e.g. openssl rand -hex 32)");
            }
        }
        this.value = value;
        this.digest = sha256(value);
    }

    public static ClusterToken of(String value) {
        return new ClusterToken(value);
    }

    /** Reads a token file (surrounding whitespace and a trailing newline are ignored). */
    public static ClusterToken read(Path file) {
        try {
            return new ClusterToken(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new Neox4jException(file + ": cannot read the cluster token file: " + e.getMessage(), e);
        }
    }

    /** Adds the token to every call of a channel. */
    ClientInterceptor clientInterceptor() {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, SCHEME + value);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Refuses every call that does not carry the token, with UNAUTHENTICATED. */
    ServerInterceptor serverInterceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                if (!matches(headers.get(AUTHORIZATION))) {
                    call.close(Status.UNAUTHENTICATED.withDescription("this worker needs the cluster token (--token-file);"
                            + " the call had none or a different one"), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                return next.startCall(call, headers);
            }
        };
    }

    /** Constant-time comparison (of digests, so that the length does not show either). */
    boolean matches(String header) {
        if (header == null || !header.startsWith(SCHEME)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(header.substring(SCHEME.length())));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "ClusterToken[hidden]";
    }
}
