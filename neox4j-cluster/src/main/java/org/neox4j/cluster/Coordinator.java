package org.neox4j.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.neox4j.Neox4jException;
import org.neox4j.cluster.proto.StageDescription;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.ModelPart;
import org.neox4j.model.NeoxModel;

/**
 * Sets up the coordinator of a pipeline: asks each worker what it serves, checks that the ranges
 * follow each other and end at the model's last layer, loads this process's share of the model
 * (embeddings, head, and the layers before the first worker's), and returns a language model
 * whose forward pass runs through the workers.
 */
public final class Coordinator {
    private Coordinator() {
    }

    /** Connects over TCP (with the options' TLS and token) to {@code workers}, in pipeline order. */
    public static LanguageModel open(Path model, LoadOptions load, List<Endpoint> workers, PipelineOptions options) {
        return open(model, load, workers, options, ChannelFactory.tcp(options));
    }

    /** As {@link #open(Path, LoadOptions, List, PipelineOptions)}, over channels from {@code channels}. */
    public static LanguageModel open(Path model, LoadOptions load, List<Endpoint> workers, PipelineOptions options,
            ChannelFactory channels) {
        if (workers.isEmpty()) {
            throw new Neox4jException("a pipeline needs at least one worker");
        }
        List<StageClient> stages = new ArrayList<>();
        try {
            for (int i = 0; i < workers.size(); i++) {
                stages.add(new StageClient(workers.get(i), channels.open(workers.get(i)), options, i, workers.size()));
            }
            List<StageDescription> ranges = new ArrayList<>();
            for (StageClient stage : stages) {
                ranges.add(stage.describe());
            }
            checkContiguous(stages, ranges);
            int localLayers = ranges.getFirst().getFirstLayer();
            return LanguageModel.load(model, load.withPart(ModelPart.endsWithLayers(localLayers)), share -> {
                checkSameModel(share, stages, ranges);
                return new PipelineModel(share.network(), stages, options);
            });
        } catch (RuntimeException e) {
            for (StageClient stage : stages) {
                stage.close();
            }
            throw e;
        }
    }

    private static void checkContiguous(List<StageClient> stages, List<StageDescription> ranges) {
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i).getFirstLayer() != ranges.get(i - 1).getEndLayer()) {
                throw new Neox4jException("the workers' layers do not follow each other: " + stages.get(i - 1).name()
                        + " ends at layer " + ranges.get(i - 1).getEndLayer() + ", " + stages.get(i).name() + " starts at "
                        + ranges.get(i).getFirstLayer() + " (list the workers in pipeline order)");
            }
        }
    }

    private static void checkSameModel(NeoxModel share, List<StageClient> stages, List<StageDescription> ranges) {
        String fingerprint = ModelFingerprint.of(share.config());
        for (int i = 0; i < ranges.size(); i++) {
            StageDescription d = ranges.get(i);
            if (!d.getConfigFingerprint().equals(fingerprint)) {
                throw new Neox4jException(stages.get(i).name() + " serves a different model (" + d.getModel() + ": "
                        + d.getNumLayers() + " layers, hidden " + d.getHiddenSize() + ") than " + share.path() + " ("
                        + ModelFingerprint.describe(share.config()) + ")");
            }
        }
        int last = ranges.getLast().getEndLayer();
        if (last != share.config().numLayers()) {
            throw new Neox4jException("the last worker, " + stages.getLast().name() + ", ends at layer " + last
                    + " but the model has " + share.config().numLayers() + " layers: no worker runs layers " + last + "-"
                    + share.config().numLayers());
        }
    }
}
