package org.neox4j.cluster;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.neox4j.Neox4jException;

/** Transport security from PEM files (how to make them: docs/CLUSTER.md). */
final class Tls {
    private Tls() {
    }

    /** A worker's credentials: TLS with its certificate chain and private key (PKCS#8 PEM), or plaintext when both are null. */
    static ServerCredentials server(Path certChain, Path privateKey) {
        if (certChain == null && privateKey == null) {
            return InsecureServerCredentials.create();
        }
        if (certChain == null || privateKey == null) {
            throw new Neox4jException("TLS needs both --tls-cert and --tls-key");
        }
        requireFile(certChain, "--tls-cert");
        requireFile(privateKey, "--tls-key");
        try {
            return TlsServerCredentials.create(certChain.toFile(), privateKey.toFile());
        } catch (IOException | IllegalArgumentException e) {
            throw new Neox4jException("cannot use the TLS certificate " + certChain + " with the key " + privateKey + ": "
                    + e.getMessage() + " (the key must be PEM, PKCS#8: -----BEGIN PRIVATE KEY-----)", e);
        }
    }

    /**
     * A coordinator's credentials: plaintext, TLS trusting the system's certificate authorities, or
     * TLS trusting only the certificates in {@code trustedCerts} (a CA or the workers' own certificates).
     */
    static ChannelCredentials client(boolean tls, Path trustedCerts) {
        if (!tls && trustedCerts == null) {
            return InsecureChannelCredentials.create();
        }
        if (trustedCerts == null) {
            return TlsChannelCredentials.create();
        }
        requireFile(trustedCerts, "--tls-ca");
        try {
            return TlsChannelCredentials.newBuilder().trustManager(trustedCerts.toFile()).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new Neox4jException("cannot use " + trustedCerts + " as trusted certificates: " + e.getMessage(), e);
        }
    }

    private static void requireFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new Neox4jException(option + ": " + file + ": no such file");
        }
    }
}
