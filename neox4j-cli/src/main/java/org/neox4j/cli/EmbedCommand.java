package org.neox4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.neox4j.Neox4jException;
import org.neox4j.generate.LanguageModel;
import org.neox4j.score.Embeddings;
import org.neox4j.score.Pooling;
import org.neox4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "embed",
        header = "Feature vectors of texts from the hidden states of one layer.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Feature vectors of texts from the hidden states of one layer, pooled over the tokens.",
            "Layers follow Hugging Face's output_hidden_states: 0 = embeddings, k = after k blocks,",
            "the last (default, -1) = after the final LayerNorm. JSON on stdout, or a float32 .npy matrix with --output."})
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to embed (one vector each).")
    List<String> texts;

    @Option(names = "--layer", paramLabel = "K", defaultValue = "-1", description = "Hidden state to use; negative counts from the end (default: ${DEFAULT-VALUE}).")
    int layer;

    @Option(names = "--pooling", paramLabel = "MODE", defaultValue = "mean", description = "mean or last (default: ${DEFAULT-VALUE}).")
    Pooling pooling;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.npy", description = "Write the vectors as a [texts, hidden] float32 NumPy file instead.")
    Path output;

    @Option(names = "--json", description = "JSON on stdout (the default; with --output, a summary without the vectors).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (LanguageModel lm = modelOptions.load()) {
            Tokenizer tokenizer = lm.requireTokenizer();
            Embeddings embeddings = new Embeddings(lm.model().network());
            int index = embeddings.resolveLayer(layer);
            List<int[]> tokens = new ArrayList<>(texts.size());
            for (String t : texts) {
                tokens.add(tokenizer.encode(t));
            }
            List<float[]> vectors = embeddings.embed(tokens, index, pooling);
            ObjectNode o = JsonOut.object();
            o.put("layer", index);
            o.put("pooling", pooling.name().toLowerCase());
            o.put("dimensions", embeddings.dimensions());
            if (output != null) {
                if (!output.toString().endsWith(".npy")) {
                    throw new Neox4jException("--output " + output + ": the file name must end in .npy");
                }
                Npy.writeFloat32(output, vectors);
                System.err.println("wrote " + output + " (" + vectors.size() + " × " + embeddings.dimensions() + " float32)");
                if (json) {
                    o.put("output", output.toString());
                    o.putArray("shape").add(vectors.size()).add(embeddings.dimensions());
                    JsonOut.print(o);
                }
                return 0;
            }
            ArrayNode items = o.putArray("embeddings");
            for (int i = 0; i < texts.size(); i++) {
                ObjectNode item = items.addObject();
                item.put("text", texts.get(i));
                item.put("tokens", tokens.get(i).length);
                ArrayNode v = item.putArray("vector");
                for (float x : vectors.get(i)) {
                    v.add(x);
                }
            }
            JsonOut.print(o);
        }
        return 0;
    }
}
