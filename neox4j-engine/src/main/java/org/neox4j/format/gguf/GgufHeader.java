package org.neox4j.format.gguf;

import java.util.List;
import java.util.Map;

/**
 * The validated header of a GGUF file.
 *
 * @param version 2 or 3
 * @param metadata the key-value pairs in file order
 * @param tensors the tensor infos in file order
 * @param alignment {@code general.alignment} (32 when absent)
 * @param dataOffset where the data section starts in the file
 */
public record GgufHeader(int version, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset) {
    public GgufHeader {
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        tensors = List.copyOf(tensors);
    }
}
