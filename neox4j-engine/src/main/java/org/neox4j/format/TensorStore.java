package org.neox4j.format;

import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import org.neox4j.tensor.Tensor;

/**
 * Named tensors read from one weight source (a safetensors file or shard set, a GGUF file, an
 * original GPT-NeoX checkpoint). Tensors are views over memory-mapped files where the format
 * allows; closing the store unmaps them, after which no tensor of it may be used.
 */
public interface TensorStore extends AutoCloseable {

    /** Tensor names in file order. */
    SequencedSet<String> names();

    /** The tensor, or empty when the store has none of that name. */
    Optional<Tensor> find(String name);

    /** Free-form metadata the format carries (safetensors {@code __metadata__}, GGUF key-values as strings). */
    Map<String, String> metadata();

    /** Where the tensors come from, for error messages ({@code /path/model.safetensors}). */
    String source();

    /** The tensor; a {@link FormatException} naming the store when it is missing. */
    default Tensor get(String name) {
        return find(name).orElseThrow(() -> new FormatException(source() + ": missing tensor '" + name + "'"));
    }

    /** The files this store maps whole (for paging advice); empty when unknown. */
    default java.util.List<MappedFile> mappedFiles() {
        return java.util.List.of();
    }

    @Override
    void close();
}
