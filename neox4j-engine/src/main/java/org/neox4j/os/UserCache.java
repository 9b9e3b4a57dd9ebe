package org.neox4j.os;

import java.nio.file.Path;

/** Where neox4j keeps what it derives from models and can make again (converted checkpoints, repacked weights). */
public final class UserCache {
    private UserCache() {
    }

    /** {@code -Dneox4j.cache}, else {@code $NEOX4J_CACHE}, else {@code ~/.cache/neox4j}. */
    public static Path root() {
        String prop = System.getProperty("neox4j.cache");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("NEOX4J_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "neox4j");
    }
}
