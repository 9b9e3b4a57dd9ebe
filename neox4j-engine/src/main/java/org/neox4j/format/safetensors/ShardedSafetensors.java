package org.neox4j.format.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import org.neox4j.format.FormatException;
import org.neox4j.format.TensorStore;
import org.neox4j.tensor.Tensor;

/**
 * A model split into several safetensors files by {@code model.safetensors.index.json}
 * ({@code {"weight_map": {tensor: shard file}}}), as large Hugging Face models are stored.
 */
public final class ShardedSafetensors implements TensorStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path index;
    private final Map<String, SafetensorsFile> shardOf;
    private final List<SafetensorsFile> shards;
    private final Map<String, String> metadata;

    private ShardedSafetensors(Path index, Map<String, SafetensorsFile> shardOf, List<SafetensorsFile> shards, Map<String, String> metadata) {
        this.index = index;
        this.shardOf = shardOf;
        this.shards = shards;
        this.metadata = metadata;
    }

    public static ShardedSafetensors open(Path indexFile) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(indexFile));
        } catch (JsonProcessingException e) {
            throw new FormatException(indexFile + ": malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(indexFile + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new FormatException(indexFile + ": missing \"weight_map\" object");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> byFile = new LinkedHashMap<>();
        Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
        try {
            for (var e : weightMap.properties()) {
                String file = e.getValue().asText();
                if (!e.getValue().isTextual() || file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                    throw new FormatException(indexFile + ": tensor '" + e.getKey() + "' names an invalid shard file " + e.getValue());
                }
                SafetensorsFile shard = byFile.get(file);
                if (shard == null) {
                    Path shardPath = dir.resolve(file);
                    if (!Files.isRegularFile(shardPath)) {
                        throw new FormatException(indexFile + ": shard '" + file + "' (holding '" + e.getKey() + "') does not exist");
                    }
                    shard = SafetensorsFile.open(shardPath);
                    byFile.put(file, shard);
                }
                if (!shard.names().contains(e.getKey())) {
                    throw new FormatException(indexFile + ": tensor '" + e.getKey() + "' is mapped to " + file + ", which does not contain it");
                }
                shardOf.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            byFile.values().forEach(SafetensorsFile::close);
            throw e;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        }
        return new ShardedSafetensors(indexFile, shardOf, new ArrayList<>(byFile.values()), metadata);
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(shardOf.keySet()));
    }

    @Override
    public Optional<Tensor> find(String name) {
        SafetensorsFile shard = shardOf.get(name);
        return shard == null ? Optional.empty() : shard.find(name);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String source() {
        return index.toString();
    }

    @Override
    public List<org.neox4j.format.MappedFile> mappedFiles() {
        return shards.stream().flatMap(s -> s.mappedFiles().stream()).toList();
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
