package org.neox4j.format.neox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorSpec;
import org.neox4j.format.TensorStore;
import org.neox4j.format.pt.PtCheckpoint;
import org.neox4j.model.Config;
import org.neox4j.tensor.Tensor;

/**
 * An original GPT-NeoX pipeline checkpoint (the GPT-NeoX-20B "slim weights": a {@code .yml}
 * config, {@code latest}, {@code global_stepN/layer_II-model_RR-model_states.pt}) seen as the
 * tensors of the equivalent Hugging Face checkpoint, under Hugging Face names.
 *
 * <p>Opening maps every layer file and checks everything that can be checked without reading
 * weights: the files present against the config, every state dict's keys, and every shard's
 * dtype and shape. {@link #find} then merges one tensor across the tensor-parallel ranks when
 * asked: into a fresh off-heap buffer that is freed once the tensor is unreachable, or, where no
 * merge is needed (one rank; equal replicated LayerNorms), as a view of the mapped file. So the
 * whole model is never in memory at once unless the caller keeps every tensor.
 */
public final class NeoxCheckpoint implements TensorStore {
    private final NeoxLayout layout;
    private final NeoxConfig neox;
    private final Config config;
    private final Optional<TokenizerFile> tokenizer;
    private final Map<Path, PtCheckpoint> files;
    private final Map<String, NeoxNames.Source> sources;
    private final Map<String, TensorSpec> specs;

    private NeoxCheckpoint(NeoxLayout layout, NeoxConfig neox, Optional<TokenizerFile> tokenizer, Map<Path, PtCheckpoint> files) {
        this.layout = layout;
        this.neox = neox;
        this.tokenizer = tokenizer;
        this.files = files;
        this.sources = new LinkedHashMap<>();
        this.specs = new LinkedHashMap<>();
        boolean legacyMlp = checkKeys();
        for (NeoxNames.Source s : NeoxNames.sources(neox, legacyMlp)) {
            sources.put(s.hfName(), s);
        }
        long vocab = plan();
        this.config = neox.toConfig(Math.toIntExact(vocab), tokenizer.map(t -> Math.max(t.endOfTextId(), 0)).orElse(0),
                List.of(tokenizer.filter(t -> t.endOfTextId() >= 0).map(TokenizerFile::endOfTextId).orElse(2)));
    }

    /** True when {@code dir} looks like a GPT-NeoX pipeline checkpoint (a step directory with layer files). */
    public static boolean looksLike(Path dir) {
        return Files.isDirectory(dir) && NeoxLayout.looksLike(dir);
    }

    public static NeoxCheckpoint open(Path dir) {
        NeoxLayout layout = NeoxLayout.find(dir);
        NeoxConfig neox = NeoxConfig.read(layout.configFiles());
        String why = "num_layers " + neox.numLayers() + ", model_parallel_size " + neox.modelParallelSize()
                + (neox.tiedEmbeddings() ? ", tied embeddings" : "") + " in " + neox.source();
        layout.checkFiles(NeoxNames.indices(neox), neox.modelParallelSize(), why);
        Optional<TokenizerFile> tokenizer = tokenizerPath(dir, neox).map(TokenizerFile::read);
        Map<Path, PtCheckpoint> files = new LinkedHashMap<>();
        try {
            for (List<Path> ranks : layout.layerFiles().values()) {
                for (Path f : ranks) {
                    files.put(f, PtCheckpoint.open(f));
                }
            }
            return new NeoxCheckpoint(layout, neox, tokenizer, files);
        } catch (RuntimeException e) {
            files.values().forEach(PtCheckpoint::close);
            throw e;
        }
    }

    /** The Hugging Face tokenizer file: {@code vocab_file} from the config, else its file name or {@code 20B_tokenizer.json} beside the checkpoint. */
    private static Optional<Path> tokenizerPath(Path dir, NeoxConfig neox) {
        List<Path> candidates = new ArrayList<>();
        if (neox.vocabFile() != null && neox.vocabFile().endsWith(".json")) {
            Path named = Path.of(neox.vocabFile());
            candidates.add(dir.resolve(named));
            candidates.add(dir.resolve(named.getFileName()));
        }
        candidates.add(dir.resolve("20B_tokenizer.json"));
        candidates.add(dir.resolve("tokenizer.json"));
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    /** Checks every state dict's keys; returns whether the MLP uses the legacy (20B) names. */
    private boolean checkKeys() {
        Path firstLayer = layout.file(NeoxNames.layerIndex(0), 0);
        boolean legacy = files.get(firstLayer).tensorRefs().containsKey("mlp.dense_h_to_4h.weight");
        Map<Integer, List<String>> keysByIndex = new HashMap<>();
        for (NeoxNames.Source s : NeoxNames.sources(neox, legacy)) {
            keysByIndex.computeIfAbsent(s.pipelineIndex(), i -> new ArrayList<>()).add(s.key());
        }
        for (var e : keysByIndex.entrySet()) {
            for (Path f : layout.layerFiles().get(e.getKey())) {
                var present = files.get(f).tensorRefs().keySet();
                for (String key : e.getValue()) {
                    if (!present.contains(key)) {
                        throw new FormatException(f + ": missing tensor '" + key + "' (found " + present + ")");
                    }
                }
                for (String key : present) {
                    if (!e.getValue().contains(key) && !NeoxNames.IGNORED_KEYS.contains(key)) {
                        throw new FormatException(f + ": unexpected tensor '" + key + "': neox4j does not know how to merge it"
                                + " (is the config right? " + neox.source() + ")");
                    }
                }
            }
        }
        return legacy;
    }

    /** Checks every shard and records each merged tensor's spec; returns the padded vocabulary. */
    private long plan() {
        long vocab = -1;
        for (NeoxNames.Source s : sources.values()) {
            List<Tensor> parts = parts(s);
            long[] shape = s.merge().mergedShape("'" + s.key() + "'", parts, rankFiles(s));
            if (vocab < 0) {
                vocab = shape[0]; // the embedding comes first
                checkVocab(vocab);
            }
            long[] expected = NeoxNames.expectedShape(s.hfName(), neox, vocab);
            if (!Arrays.equals(shape, expected)) {
                throw new FormatException(s.hfName() + " merges to " + Arrays.toString(shape) + " from " + rankFiles(s)
                        + ", but " + neox.source() + " (hidden_size " + neox.hiddenSize() + ", intermediate size "
                        + neox.intermediateSize() + ") needs " + Arrays.toString(expected));
            }
            specs.put(s.hfName(), new TensorSpec(s.hfName(), parts.getFirst().dtype(), shape));
        }
        return vocab;
    }

    private void checkVocab(long vocab) {
        if (tokenizer.isEmpty()) {
            return;
        }
        TokenizerFile t = tokenizer.get();
        int padded = neox.paddedVocab(t.vocabSize());
        if (padded != vocab) {
            throw new FormatException("the embedding has " + vocab + " rows, but the tokenizer " + t.path() + " has " + t.vocabSize()
                    + " entries, which GPT-NeoX pads to " + padded + " (make_vocab_size_divisible_by " + neox.vocabDivisibleBy()
                    + " × model_parallel_size " + neox.modelParallelSize() + "): wrong tokenizer or config?");
        }
    }

    private List<Tensor> parts(NeoxNames.Source s) {
        List<Tensor> parts = new ArrayList<>();
        for (Path f : layout.layerFiles().get(s.pipelineIndex())) {
            parts.add(files.get(f).tensor(s.key()));
        }
        return parts;
    }

    private List<String> rankFiles(NeoxNames.Source s) {
        return layout.layerFiles().get(s.pipelineIndex()).stream().map(p -> p.getFileName().toString()).toList();
    }

    /** The engine configuration of this model (vocabulary from the shards, special tokens from the tokenizer). */
    public Config config() {
        return config;
    }

    /** The GPT-NeoX settings read from the .yml files. */
    public NeoxConfig neoxConfig() {
        return neox;
    }

    /** The Hugging Face tokenizer file ({@code 20B_tokenizer.json}), when there is one. */
    public Optional<Path> tokenizerFile() {
        return tokenizer.map(TokenizerFile::path);
    }

    /** Name, dtype and merged shape of every tensor, in Hugging Face state-dict order, without merging anything. */
    public List<TensorSpec> specs() {
        return List.copyOf(specs.values());
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(sources.keySet()));
    }

    @Override
    public Optional<Tensor> find(String name) {
        NeoxNames.Source s = sources.get(name);
        if (s == null) {
            return Optional.empty();
        }
        return Optional.of(s.merge().merge(name, specs.get(name).shape(), parts(s)));
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of("format", "neox", "neox.checkpoint", layout.stepDir().getFileName().toString(),
                "neox.model_parallel_size", Integer.toString(neox.modelParallelSize()));
    }

    @Override
    public String source() {
        return layout.root().toString();
    }

    @Override
    public void close() {
        files.values().forEach(PtCheckpoint::close);
    }
}
