package org.neox4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost with its PKCS#8 key, as PEM files: made
 * with openssl as docs/CLUSTER.md shows, or with the JDK's keytool where openssl is missing.
 */
record TestCertificates(Path cert, Path key) {

    static TestCertificates make(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("worker.crt");
        Path key = dir.resolve("worker.key");
        if (run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "2", "-subj", "/CN=neox4j-test-worker", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()))) {
            return new TestCertificates(cert, key);
        }
        Path store = dir.resolve("worker.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        if (!run(List.of(keytool, "-genkeypair", "-alias", "worker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=neox4j-test-worker", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"))) {
            throw new IOException("neither openssl nor keytool could make a test certificate");
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, "changeit".toCharArray());
            Key k = ks.getKey("worker", "changeit".toCharArray());
            Certificate c = ks.getCertificate("worker");
            Files.writeString(key, pem("PRIVATE KEY", k.getEncoded()));
            Files.writeString(cert, pem("CERTIFICATE", c.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot export the keytool certificate: " + e.getMessage(), e);
        }
        return new TestCertificates(cert, key);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static boolean run(List<String> command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException notInstalled) {
            return false;
        }
    }
}
