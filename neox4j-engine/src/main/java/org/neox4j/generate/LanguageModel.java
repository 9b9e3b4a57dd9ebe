package org.neox4j.generate;

import org.neox4j.loader.ModelLoader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.neox4j.Neox4jException;
import org.neox4j.format.gguf.GgufFile;
import org.neox4j.format.gguf.GgufVocabulary;
import org.neox4j.model.Config;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.tokenizer.Tokenizer;

/**
 * The engine's entry point: a model with its tokenizer, ready to generate.
 *
 * <pre>{@code
 * try (LanguageModel lm = LanguageModel.load(Path.of("pythia-160m"), LoadOptions.defaults())) {
 *     GenerationResult r = lm.generate("The capital of France is", SamplingParams.greedy(20),
 *             token -> System.out.print(token.text()));
 * }
 * }</pre>
 */
public final class LanguageModel implements AutoCloseable {
    private final NeoxModel model;
    private final Tokenizer tokenizer;
    private final ForwardPass network;

    public LanguageModel(NeoxModel model, Tokenizer tokenizer) {
        this(model, tokenizer, model.network());
    }

    /**
     * A model whose forward pass runs elsewhere, e.g. a pipeline over workers that holds
     * {@code model}'s embeddings and head. Closing the language model closes {@code network} first
     * when it is {@link AutoCloseable}, then {@code model}.
     */
    public LanguageModel(NeoxModel model, Tokenizer tokenizer, ForwardPass network) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.network = network;
    }

    /** Loads the model at {@code path} and the tokenizer shipped beside it, if any. */
    public static LanguageModel load(Path path, LoadOptions options) {
        return load(path, options, NeoxModel::network);
    }

    /**
     * Loads the model (or the share of it that {@code options} names) and its tokenizer, with the
     * forward pass that {@code network} builds over it, e.g. a pipeline whose workers run the
     * layers this share lacks.
     */
    public static LanguageModel load(Path path, LoadOptions options, Function<NeoxModel, ForwardPass> network) {
        NeoxModel model = ModelLoader.load(path, options);
        try {
            Tokenizer tokenizer = model.tokenizerFile().map(Tokenizer::load).orElseGet(() -> embeddedTokenizer(model));
            return new LanguageModel(model, tokenizer, network.apply(model));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The tokenizer a GGUF file carries in its metadata, or null. */
    private static Tokenizer embeddedTokenizer(NeoxModel model) {
        if (model.store() instanceof GgufFile g && GgufVocabulary.present(g.gguf())) {
            return Tokenizer.fromVocabulary(GgufVocabulary.read(g.gguf()), g.source());
        }
        return null;
    }

    public NeoxModel model() {
        return model;
    }

    /** The forward pass every generation, score and embedding of this model goes through. */
    public ForwardPass network() {
        return network;
    }

    public Config config() {
        return model.config();
    }

    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /** The tokenizer, or an error explaining that text needs one. */
    public Tokenizer requireTokenizer() {
        if (tokenizer == null) {
            throw new Neox4jException(model.path() + ": no tokenizer (no tokenizer.json beside the model, no tokenizer in the GGUF"
                    + " metadata); give token ids instead of text, or put the model's tokenizer.json in its directory");
        }
        return tokenizer;
    }

    /** Starts generating after {@code prompt}, with a KV cache of {@code context} positions. */
    public GenerationSession start(int[] prompt, SamplingParams params, int context) {
        return new GenerationSession(network, tokenizer, prompt, params, context, eosIds());
    }

    /** Generates after the text {@code prompt} with the model's full context, streaming tokens to {@code listener}. */
    public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener) {
        try (GenerationSession session = start(requireTokenizer().encode(prompt), params, config().maxPositions())) {
            return session.drain(listener);
        }
    }

    private Set<Integer> eosIds() {
        return new HashSet<>(config().eosTokenIds());
    }

    @Override
    public void close() {
        try {
            if (network instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing " + network + " failed: " + e.getMessage(), e);
        } finally {
            model.close();
        }
    }
}
