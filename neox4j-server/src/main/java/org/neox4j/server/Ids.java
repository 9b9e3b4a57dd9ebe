package org.neox4j.server;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Response ids and timestamps. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    static String random() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Seconds since the epoch, as OpenAI's {@code created}. */
    static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
