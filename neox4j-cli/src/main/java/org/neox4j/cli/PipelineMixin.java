package org.neox4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.neox4j.Neox4jException;
import org.neox4j.cluster.ClusterToken;
import org.neox4j.cluster.Coordinator;
import org.neox4j.cluster.Endpoint;
import org.neox4j.cluster.PipelineOptions;
import org.neox4j.cluster.WireFormat;
import org.neox4j.generate.LanguageModel;
import picocli.CommandLine.Option;

/**
 * Options of a pipeline coordinator, for every command that runs the model's forward pass: with
 * {@code --pipeline}, the layers run on workers ({@code neox4j worker}) and this process keeps the
 * embeddings, the head and sampling (docs/CLUSTER.md). A command adds it with
 * {@code @Mixin PipelineMixin pipeline} and loads with {@code pipeline.load(modelOptions)}.
 */
final class PipelineMixin {
    @Option(names = "--pipeline", paramLabel = "HOST:PORT,...",
            description = {"Run the model's layers on these workers (neox4j worker), in pipeline order; this process keeps",
                "the embeddings, the head and the layers before the first worker's. See docs/CLUSTER.md."})
    String pipeline;

    @Option(names = "--wire-dtype", paramLabel = "f32|f16", defaultValue = "f32",
            description = "Hidden states between pipeline stages: f32 (exact) or f16 (half the bytes) (default: ${DEFAULT-VALUE}).")
    String wireDtype;

    @Option(names = "--micro-batch", paramLabel = "ROWS", defaultValue = "64",
            description = "Rows per pipeline micro-batch: longer batches flow through the stages in parts (default: ${DEFAULT-VALUE}).")
    int microBatch;

    @Option(names = "--pipeline-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Fail a request when the pipeline returns nothing for this long (default: ${DEFAULT-VALUE}).")
    long stepTimeoutSeconds;

    @Option(names = "--tls", description = "Speak TLS to the workers, trusting the system's certificate authorities.")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "Speak TLS to the workers, trusting the certificates in FILE (PEM).")
    Path tlsCa;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Send the shared secret in FILE to the workers.")
    Path tokenFile;

    /** The model: through the pipeline when {@code --pipeline} is given, else in this process. */
    LanguageModel load(ModelOptions model) {
        if (pipeline == null) {
            if (tls || tlsCa != null || tokenFile != null) {
                throw new Neox4jException("--tls, --tls-ca and --token-file are for --pipeline");
            }
            return model.load();
        }
        if (stepTimeoutSeconds < 1) {
            throw new Neox4jException("--pipeline-timeout must be at least 1 second, got " + stepTimeoutSeconds);
        }
        PipelineOptions options = PipelineOptions.defaults()
                .withWire(wireFormat())
                .withMicroBatchRows(microBatch)
                .withTimeouts(PipelineOptions.defaults().connectTimeout(), Duration.ofSeconds(stepTimeoutSeconds))
                .withTls(tls, tlsCa)
                .withToken(tokenFile == null ? null : ClusterToken.read(tokenFile));
        return Coordinator.open(model.resolve(), model.loadOptions(), Endpoint.parseList(pipeline, "--pipeline"), options);
    }

    private WireFormat wireFormat() {
        try {
            return WireFormat.parse(wireDtype);
        } catch (Neox4jException e) {
            throw new Neox4jException("--wire-dtype: " + e.getMessage());
        }
    }
}
