package org.neox4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neox4j.Neox4jException;
import org.neox4j.cluster.ClusterToken;
import org.neox4j.cluster.Endpoint;
import org.neox4j.cluster.Worker;
import org.neox4j.cluster.WorkerOptions;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.ModelPart;
import org.neox4j.model.NeoxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker",
        header = "Serve a range of the model's layers to a pipeline coordinator.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a contiguous range of the model's layers to a pipeline coordinator (generate, perplexity,",
            "score, eval or serve with --pipeline). Only those layers' weights are mapped. Stops on Ctrl+C. See docs/CLUSTER.md."})
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--layers", required = true, paramLabel = "A-B",
            description = "The layers to serve: A up to B, B excluded (e.g. 0-22 and 22-44 for the 44 layers of GPT-NeoX-20B).")
    String layers;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7070",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; give the host's address to serve other machines).")
    String listen;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Certificate chain (PEM): speak TLS only.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Private key of --tls-cert (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Refuse coordinators that do not send the shared secret in FILE.")
    Path tokenFile;

    @Option(names = "--max-context", paramLabel = "N", description = "Most positions one sequence may use (default: the model's max_position_embeddings).")
    Integer maxContext;

    @Option(names = "--kv-memory", paramLabel = "SIZE", description = "Memory for the sequences' KV caches, e.g. 4GiB (default: half the Java heap).")
    String kvMemory;

    @Override
    public Integer call() throws Exception {
        int[] range = parseLayers(layers);
        Endpoint address = Endpoint.parse(listen, "--listen");
        ClusterToken token = tokenFile == null ? null : ClusterToken.read(tokenFile);
        long kvBytes = kvMemory != null ? Sizes.parse(kvMemory) : Runtime.getRuntime().maxMemory() / 2;
        try (NeoxModel share = ModelLoader.load(modelOptions.resolve(), modelOptions.loadOptions().withPart(ModelPart.layers(range[0], range[1])))) {
            int context = maxContext != null ? maxContext : share.config().maxPositions();
            WorkerOptions options = new WorkerOptions(modelOptions.model == null ? share.path().toString() : modelOptions.model,
                    address, tlsCert, tlsKey, token, context, kvBytes, line -> System.err.println("neox4j worker: " + line));
            CountDownLatch stopped = new CountDownLatch(1);
            try (Worker worker = Worker.start(share.network(), options)) {
                // Ctrl+C or SIGTERM: stop serving (sessions end, caches are released) before the JVM exits
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    worker.close();
                    try {
                        stopped.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "neox4j-worker-shutdown"));
                worker.awaitTermination();
            } finally {
                stopped.countDown();
            }
        }
        return 0;
    }

    /** "A-B" as [A, B), checked. */
    static int[] parseLayers(String text) {
        String[] parts = text.strip().split("-");
        try {
            if (parts.length == 2) {
                int a = Integer.parseInt(parts[0].strip());
                int b = Integer.parseInt(parts[1].strip());
                if (a >= 0 && b > a) {
                    return new int[] {a, b};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Neox4jException("--layers: '" + text + "' is not a layer range A-B with 0 <= A < B (B excluded, e.g. 0-22)");
    }
}
