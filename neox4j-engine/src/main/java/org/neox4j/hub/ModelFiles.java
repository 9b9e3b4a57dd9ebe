package org.neox4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Which files of a Hugging Face model directory the engine needs, and whether a directory has them. */
public final class ModelFiles {
    static final String CONFIG = "config.json";
    static final String SAFETENSORS_INDEX = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {
    }

    static boolean isWeights(String path) {
        return path.endsWith(".safetensors");
    }

    /**
     * Whether {@code dir} holds a usable model: {@code config.json} and safetensors weights, with every
     * shard the index names (a dangling snapshot link counts as missing).
     */
    public static boolean isComplete(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            return false;
        }
        Path index = dir.resolve(SAFETENSORS_INDEX);
        try {
            if (Files.isRegularFile(index)) {
                JsonNode weightMap = JSON.readTree(index.toFile()).path("weight_map");
                if (!weightMap.isObject() || weightMap.isEmpty()) {
                    return false;
                }
                for (JsonNode shard : weightMap) {
                    if (!FileEntry.isSafePath(shard.asText()) || !Files.isRegularFile(dir.resolve(shard.asText()))) {
                        return false;
                    }
                }
                return true;
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.anyMatch(f -> isWeights(f.getFileName().toString()) && Files.isRegularFile(f));
            }
        } catch (IOException e) {
            return false;
        }
    }
}
