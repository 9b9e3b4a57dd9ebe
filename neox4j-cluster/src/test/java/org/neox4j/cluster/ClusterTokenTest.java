package org.neox4j.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.Neox4jException;

class ClusterTokenTest {
    @Test
    void onlyTheExactBearerTokenMatches() {
        ClusterToken t = ClusterToken.of("s3cret-s3cret-s3cret");
        assertTrue(t.matches("Bearer s3cret-s3cret-s3cret"));
        assertFalse(t.matches("Bearer s3cret-s3cret-s3creT"));
        assertFalse(t.matches("Bearer s3cret-s3cret-s3cret "));
        assertFalse(t.matches("s3cret-s3cret-s3cret"));
        assertFalse(t.matches(null));
        assertEquals("ClusterToken[hidden]", t.toString(), "never printed");
    }

    @Test
    void tokenFilesAreTrimmedAndShortOrOddTokensRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "  0123456789abcdef0123\n");
        assertTrue(ClusterToken.read(file).matches("Bearer 0123456789abcdef0123"));
        String m = assertThrows(Neox4jException.class, () -> ClusterToken.of("short")).getMessage();
        assertTrue(m.contains("at least 16") && m.contains("openssl rand"), m);
        assertThrows(Neox4jException.class, () -> ClusterToken.of("with a space in the middle"));
        m = assertThrows(Neox4jException.class, () -> ClusterToken.read(dir.resolve("missing"))).getMessage();
        assertTrue(m.contains("cannot read the cluster token file"), m);
    }
}
