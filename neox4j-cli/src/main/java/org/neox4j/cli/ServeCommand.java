package org.neox4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neox4j.Neox4jException;
import org.neox4j.generate.LanguageModel;
import org.neox4j.generate.batch.BatchOptions;
import org.neox4j.generate.batch.BatchScheduler;
import org.neox4j.hub.ModelResolver;
import org.neox4j.model.KvCache;
import org.neox4j.server.ChatTemplate;
import org.neox4j.server.OpenAiServer;
import org.neox4j.server.ServedModel;
import org.neox4j.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve",
        header = "Serve an OpenAI-compatible HTTP API with continuous batching.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the model over an OpenAI-compatible HTTP API (completions, chat, embeddings, metrics)",
            "with continuous batching, and a playground page at /. Stops on Ctrl+C."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PipelineMixin pipeline;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 exposes it).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on /v1/ requests (default: the NEOX4J_API_KEY environment variable, else none).")
    String apiKey;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "The model id clients use (default: the hub id, or the model directory's name).")
    String modelName;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "16", description = "Sequences per forward pass, at most (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--kv-cache-budget", paramLabel = "SIZE",
            description = "Memory for the running sequences' KV caches, e.g. 2GiB (default: half the Java heap).")
    String kvCacheBudget;

    @Option(names = "--max-queue", paramLabel = "N", defaultValue = "64",
            description = "Requests that may wait for room; more get HTTP 429 (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--chat-template", paramLabel = "NAME|FILE", defaultValue = "plain",
            description = "Chat prompt format: plain, dolly, redpajama, oasst, or a JSON file (default: ${DEFAULT-VALUE}; see docs/SERVER.md).")
    String chatTemplate;

    @Option(names = {"-c", "--context"}, paramLabel = "N", description = "Positions per sequence, at most (default: the model's max_position_embeddings).")
    Integer context;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Cancel a generation still running after this long (default: ${DEFAULT-VALUE}).")
    long requestTimeoutSeconds;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "4MiB", description = "Largest request body (default: ${DEFAULT-VALUE}).")
    String maxBody;

    @Override
    public Integer call() throws Exception {
        ChatTemplate template = ChatTemplate.resolve(chatTemplate);
        long bodyLimit = Sizes.parse(maxBody);
        long budget = kvCacheBudget != null ? Sizes.parse(kvCacheBudget) : Runtime.getRuntime().maxMemory() / 2;
        if (requestTimeoutSeconds < 1) {
            throw new Neox4jException("--request-timeout must be at least 1 second, got " + requestTimeoutSeconds);
        }
        String key = apiKey != null ? apiKey : System.getenv("NEOX4J_API_KEY");
        String name = modelName != null ? modelName : defaultName(modelOptions.model);
        // bound the time a client may take to send its request (the JDK server reads this once, at start)
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "60");
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        LanguageModel lm = pipeline.load(modelOptions);
        int ctx = context != null ? context : lm.config().maxPositions();
        BatchScheduler scheduler = null;
        OpenAiServer server = null;
        try {
            if (ctx < 1 || ctx > lm.config().maxPositions()) {
                throw new Neox4jException("--context must be in 1.." + lm.config().maxPositions() + " (the model's max_position_embeddings), got " + ctx);
            }
            scheduler = BatchScheduler.start(lm, new BatchOptions(maxBatch, budget, maxQueue, ctx));
            ServerOptions options = new ServerOptions(host, port, key, name, template, bodyLimit, Duration.ofSeconds(requestTimeoutSeconds));
            server = OpenAiServer.start(new ServedModel(name, lm, scheduler), options);
            long full = KvCache.bytesFor(lm.config(), ctx);
            System.err.printf("neox4j: serving %s on %s (playground: %s/, API: %s/v1)%n", name, server.url(), server.url(), server.url());
            System.err.printf("neox4j: max batch %d, KV cache budget %s (a full-context sequence takes %s: %d at once), queue %d, chat template %s%s%n",
                    maxBatch, Sizes.human(budget), Sizes.human(full), budget / full, maxQueue, template.name(),
                    key != null ? ", API key required" : "");
            // Ctrl+C or SIGTERM: let the finally block below stop everything before the JVM exits
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "neox4j-serve-shutdown"));
            stop.await();
            System.err.println("neox4j: stopping");
            return 0;
        } finally {
            if (server != null) {
                server.close();
            }
            if (scheduler != null) {
                scheduler.close();
            }
            lm.close();
            stopped.countDown();
        }
    }

    /** A hub id as given; a local directory by its name. */
    private static String defaultName(String model) {
        if (model == null) {
            return ModelResolver.DEFAULT_MODEL;
        }
        Path path = Path.of(model);
        return Files.isDirectory(path) && path.toAbsolutePath().normalize().getFileName() != null
                ? path.toAbsolutePath().normalize().getFileName().toString() : model;
    }
}
