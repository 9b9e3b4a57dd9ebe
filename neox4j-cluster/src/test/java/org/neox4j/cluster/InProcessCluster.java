package org.neox4j.cluster;

import io.grpc.ServerInterceptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.ModelPart;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.NeoxModel;

/** Workers of a model on in-process gRPC servers, and coordinators connected to them. */
final class InProcessCluster implements AutoCloseable {
    private final Path model;
    private final String prefix = "neox4j-test-" + UUID.randomUUID() + "-";
    private final List<NeoxModel> shares = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();

    InProcessCluster(Path model) {
        this.model = model;
    }

    static LoadOptions load() {
        return LoadOptions.defaults().withThreads(2);
    }

    /** Starts a worker for layers [from, to) under endpoint name {@code "w" + index}. */
    Worker start(int index, int from, int to, ClusterToken token, ServerInterceptor... extra) {
        NeoxModel share = ModelLoader.load(model, load().withPart(ModelPart.layers(from, to)));
        shares.add(share);
        WorkerOptions options = WorkerOptions.loopback(model.toString(), 0, 256).withToken(token);
        InProcessServerBuilder builder = InProcessServerBuilder.forName(prefix + endpoint(index));
        if (extra.length > 0) {
            builder.intercept(extra[0]);
        }
        Worker w = Worker.start(share.network(), options, builder);
        workers.add(w);
        return w;
    }

    static Endpoint endpoint(int index) {
        return new Endpoint("w" + index, 1);
    }

    ChannelFactory channels() {
        return e -> InProcessChannelBuilder.forName(prefix + e.host() + ":" + e.port()).build();
    }

    LanguageModel coordinator(PipelineOptions options, int... workerIndexes) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i : workerIndexes) {
            endpoints.add(endpoint(i));
        }
        return Coordinator.open(model, load(), endpoints, options, channels());
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.close();
        }
        for (NeoxModel m : shares) {
            m.close();
        }
    }
}
