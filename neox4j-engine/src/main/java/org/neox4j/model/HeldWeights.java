package org.neox4j.model;

/**
 * Weights a model holds beside its files' mappings, replacing some of the mapped ones: copies in
 * RAM ({@link ResidentWeights}, {@link ConvertedWeights}) or the mapped repack cache
 * ({@link RepackCache}). Closing frees or unmaps them.
 */
sealed interface HeldWeights extends AutoCloseable permits ResidentWeights, ConvertedWeights, RepackCache {
    /** The model's weights with the held ones in place of the mapped ones. */
    ModelWeights weights();

    @Override
    void close();
}
