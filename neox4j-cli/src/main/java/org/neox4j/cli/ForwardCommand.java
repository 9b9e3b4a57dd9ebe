package org.neox4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.neox4j.Neox4jException;
import org.neox4j.format.safetensors.SafetensorsWriter;
import org.neox4j.format.safetensors.SafetensorsWriter.FloatTensor;
import org.neox4j.generate.LanguageModel;
import org.neox4j.model.Config;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.KvCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "forward",
        header = "Run one forward pass and write its logits (and hidden states) to a safetensors file.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one forward pass and write float32 logits [n, vocab] (and optionally",
            "hidden_states [layers+1, n, hidden], HF's output_hidden_states convention) to a safetensors file."})
final class ForwardCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    PipelineMixin pipeline;

    @Option(names = "--token-ids", paramLabel = "IDS", description = "Input token ids, e.g. 1,2,3.")
    String tokenIds;

    @Option(names = "--text", paramLabel = "TEXT", description = "Input text (tokenized with the model's tokenizer).")
    String text;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Output .safetensors file.")
    Path output;

    @Option(names = "--hidden-states", description = "Also write hidden_states.")
    boolean hiddenStates;

    @Override
    public Integer call() {
        if ((tokenIds == null) == (text == null)) {
            throw new Neox4jException("give exactly one of --token-ids or --text");
        }
        try (LanguageModel lm = pipeline.load(modelOptions)) {
            int[] ids = tokenIds != null ? TokenIds.parse(tokenIds, "--token-ids") : lm.requireTokenizer().encode(text);
            if (ids.length == 0) {
                throw new Neox4jException("--text gives no tokens");
            }
            Config cfg = lm.config();
            ForwardPass net = lm.network();
            KvCache cache = net.newCache(ids.length);
            ForwardOptions options = hiddenStates ? ForwardOptions.ALL_LOGITS.withHiddenStates() : ForwardOptions.ALL_LOGITS;
            ForwardResult r;
            try {
                r = net.forward(List.of(new GptNeoX.Chunk(cache, ids)), options);
            } finally {
                net.release(cache);
            }
            List<FloatTensor> tensors = new ArrayList<>();
            tensors.add(new FloatTensor("logits", new long[] {ids.length, cfg.vocabSize()}, r.logits()));
            if (hiddenStates) {
                int layerSize = ids.length * cfg.hiddenSize();
                float[] all = new float[(cfg.numLayers() + 1) * layerSize];
                for (int l = 0; l <= cfg.numLayers(); l++) {
                    System.arraycopy(r.hiddenStates()[l], 0, all, l * layerSize, layerSize);
                }
                tensors.add(new FloatTensor("hidden_states", new long[] {cfg.numLayers() + 1, ids.length, cfg.hiddenSize()}, all));
            }
            SafetensorsWriter.writeF32(output, Map.of("format", "pt", "input_ids", java.util.Arrays.toString(ids)), tensors);
            System.err.println("wrote " + output + " (" + ids.length + " tokens)");
        }
        return 0;
    }
}
