package org.neox4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.Config;
import org.neox4j.model.KvCache;
import org.neox4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "info",
        header = "Print a model's configuration, parameter count, storage dtypes and sizes.", mixinStandardHelpOptions = true,
        description = "Print a model's configuration, parameter count, storage dtypes and sizes.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (LanguageModel lm = modelOptions.load()) {
            Config c = lm.config();
            Map<String, Long> bytesByDtype = new TreeMap<>();
            long weightBytes = 0;
            for (String name : lm.model().store().names()) {
                var t = lm.model().store().find(name);
                if (t.isPresent()) {
                    Tensor tensor = t.get();
                    bytesByDtype.merge(tensor.dtype().name(), tensor.byteSize(), Long::sum);
                    weightBytes += tensor.byteSize();
                }
            }
            long kvPerToken = KvCache.bytesFor(c, 1);
            if (json) {
                ObjectNode o = new ObjectMapper().valueToTree(c);
                o.put("head_size", c.headSize());
                o.put("parameters", c.parameterCount());
                o.put("weight_bytes", weightBytes);
                o.set("bytes_by_dtype", new ObjectMapper().valueToTree(bytesByDtype));
                o.put("kv_cache_bytes_per_token", kvPerToken);
                o.put("source", lm.model().store().source());
                o.put("tokenizer", lm.model().tokenizerFile().map(Object::toString).orElse(null));
                o.put("memory", lm.model().memoryReport());
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(o));
                return 0;
            }
            System.out.printf("model:            %s%n", lm.model().path());
            System.out.printf("weights:          %s%n", lm.model().store().source());
            System.out.printf("parameters:       %,d (%.2fB)%n", c.parameterCount(), c.parameterCount() / 1e9);
            System.out.printf("layers:           %d%n", c.numLayers());
            System.out.printf("hidden size:      %d (%d heads of %d)%n", c.hiddenSize(), c.numHeads(), c.headSize());
            System.out.printf("intermediate:     %d%n", c.intermediateSize());
            System.out.printf("vocabulary:       %d%n", c.vocabSize());
            System.out.printf("rotary:           %d of %d dims per head, base %s%s%n", c.rotaryDims(), c.headSize(), c.rotaryBase(),
                    c.ropeScaling().factor() == 1 ? "" : ", linear scaling " + c.ropeScaling().factor());
            System.out.printf("context:          %d positions%n", c.maxPositions());
            System.out.printf("residual:         %s%n", c.parallelResidual() ? "parallel" : "sequential");
            System.out.printf("activation:       %s%n", c.activation().configName());
            System.out.printf("layer norm eps:   %s%n", c.layerNormEps());
            System.out.printf("tied embeddings:  %s%n", c.tieWordEmbeddings());
            System.out.printf("attention bias:   %s%n", c.attentionBias());
            System.out.printf("bos / eos ids:    %d / %s%n", c.bosTokenId(), c.eosTokenIds());
            System.out.printf("weight bytes:     %s %s%n", Sizes.human(weightBytes), bytesByDtype.entrySet().stream()
                    .map(e -> e.getKey() + " " + Sizes.human(e.getValue())).toList());
            System.out.printf("KV cache:         %s per token, %s at full context%n", Sizes.human(kvPerToken),
                    Sizes.human(kvPerToken * c.maxPositions()));
            System.out.printf("tokenizer:        %s%n", lm.model().tokenizerFile().map(Object::toString)
                    .orElse(lm.tokenizer().isPresent() ? "(in the GGUF metadata)" : "(none)"));
            System.out.printf("memory:           %s%n", lm.model().memoryReport());
        }
        return 0;
    }
}
