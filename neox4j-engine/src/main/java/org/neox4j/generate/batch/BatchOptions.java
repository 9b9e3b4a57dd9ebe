package org.neox4j.generate.batch;

/**
 * Limits of a {@link BatchScheduler}.
 *
 * @param maxBatch sequences that advance together in one forward pass, at most
 * @param kvBudgetBytes memory for the running sequences' KV caches; each takes
 *     {@code KvCache.bytesFor(config, min(prompt + maxNewTokens, context))} while it runs
 * @param maxQueue requests allowed to wait for a place (batch slot or cache memory); beyond it
 *     submission is rejected
 * @param context positions per sequence, at most (prompt and generated tokens)
 */
public record BatchOptions(int maxBatch, long kvBudgetBytes, int maxQueue, int context) {

    public BatchOptions {
        if (maxBatch < 1 || maxBatch > 4096) {
            throw new IllegalArgumentException("max batch must be in 1..4096, got " + maxBatch);
        }
        if (kvBudgetBytes < 1) {
            throw new IllegalArgumentException("KV cache budget must be positive, got " + kvBudgetBytes + " bytes");
        }
        if (maxQueue < 0) {
            throw new IllegalArgumentException("max queue must be >= 0, got " + maxQueue);
        }
        if (context < 1) {
            throw new IllegalArgumentException("context must be at least 1 token, got " + context);
        }
    }
}
