package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.neox4j.hub.ModelResolver;
import org.neox4j.testing.FakeHub;
import org.neox4j.testing.Golden;

/**
 * {@code neox4j generate "prompt"} without {@code --model} uses the default hub model, pulled into
 * the Hugging Face cache on first use. Runs the real command in a child JVM so that the hub
 * environment variables ({@code HF_ENDPOINT}, {@code HF_HOME}, {@code HF_HUB_OFFLINE}) apply.
 */
@Timeout(120)
class DefaultModelTest {
    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
    }

    private Result neox4j(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS), "neox4j finished");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void generateWithoutModelPullsTheDefaultOnceThenUsesTheCache() throws Exception {
        try (FakeHub hub = FakeHub.start()) {
            // the fake hub serves the golden 20B-architecture model under the default model's name
            hub.addModel(ModelResolver.DEFAULT_MODEL, Golden.model("tiny-parallel"),
                    "config.json", "generation_config.json", "model.safetensors", "tokenizer.json");
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HOME", home.toString());
            Result first = neox4j(env, "generate", "Hello", "-n", "4", "--seed", "3");
            assertEquals(0, first.exit(), first.err());
            assertTrue(first.err().contains(ModelResolver.DEFAULT_MODEL + " is not in the hub cache"), first.err());
            assertFalse(first.out().isBlank());
            hub.clearLog();
            Result second = neox4j(Map.of("HF_HOME", home.toString(), "HF_HUB_OFFLINE", "1"), "generate", "Hello", "-n", "4", "--seed", "3");
            assertEquals(0, second.exit(), second.err());
            assertEquals(first.out(), second.out(), "same seed, same model from the cache");
            assertFalse(hub.anyContentRequested(), "the second run downloads nothing");
        }
    }

    @Test
    void offlineWithoutACachedCopyExplainsHowToGetWeights() throws Exception {
        Result r = neox4j(Map.of("HF_HOME", home.toString(), "HF_HUB_OFFLINE", "1"), "generate", "Hello");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("neox4j pull " + ModelResolver.DEFAULT_MODEL) && r.err().contains("--model"), r.err());
    }
}
