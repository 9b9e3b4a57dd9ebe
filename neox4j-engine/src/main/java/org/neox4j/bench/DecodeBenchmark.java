package org.neox4j.bench;

import java.util.SplittableRandom;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.KvCache;
import org.neox4j.model.NeoxModel;

/**
 * Prefill and decode speed of a loaded model, set against the memory bandwidth measured in the
 * same run: decoding one token reads every weight matrix once, so
 * {@code weight bytes per token × tokens/s ÷ bandwidth} is the fraction of the memory roofline
 * reached. Prompt tokens are random ids (speed does not depend on them); decoding is greedy.
 *
 * <p>As llama-bench's {@code pp512} and {@code tg128} tests, prefill and decode are timed
 * separately, each from an empty KV cache: decoding starts from one token, so its attention
 * covers 1..genTokens positions, and the figures compare with llama.cpp's on the same shapes.
 */
public final class DecodeBenchmark {

    /**
     * @param kvBytesPerToken KV cache bytes a decode step reads on average (float32 keys and values
     *     of every layer over the mean context length during decoding): memory traffic besides
     *     the weights, reported apart because the roofline of issue 4 counts weights only
     */
    public record Result(int promptTokens, int genTokens, double prefillSeconds, double decodeSeconds,
                         long weightBytesPerToken, long kvBytesPerToken, MemoryBandwidth.Result before,
                         MemoryBandwidth.Result after) {
        public double prefillTokensPerSecond() {
            return promptTokens / prefillSeconds;
        }

        public double decodeTokensPerSecond() {
            return genTokens / decodeSeconds;
        }

        /** The better of the two probes: the ceiling is what the memory could deliver in this run. */
        public double bandwidthBytesPerSecond() {
            return Math.max(before.best(), after.best());
        }

        public double decodeRooflineFraction() {
            return weightBytesPerToken * decodeTokensPerSecond() / bandwidthBytesPerSecond();
        }

        /** The same with the KV cache reads counted as well. */
        public double decodeRooflineFractionWithKv() {
            return (weightBytesPerToken + kvBytesPerToken) * decodeTokensPerSecond() / bandwidthBytesPerSecond();
        }
    }

    private DecodeBenchmark() {
    }

    /** Bytes the bandwidth probe streams: far above any L3 (32 MiB here). */
    public static final long PROBE_BYTES = 1L << 30;

    public static Result run(NeoxModel model, int promptTokens, int genTokens, long seed) {
        GptNeoX net = model.network();
        int v = model.config().vocabSize();
        SplittableRandom random = new SplittableRandom(seed);
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < promptTokens; i++) {
            prompt[i] = random.nextInt(Math.min(v, 50277));
        }
        float[] logits = new float[v];
        int[] token = new int[1];

        // warm-up: compile the prefill and decode kernels before timing them (a full-length
        // prefill, so attention over long prefixes is compiled too, as llama-bench's warm-up run)
        KvCache warm = net.newCache(promptTokens + 8);
        net.forwardLast(warm, prompt, logits);
        for (int i = 0; i < 8; i++) {
            token[0] = argmax(logits);
            net.forwardLast(warm, token, logits);
        }

        MemoryBandwidth.Result before = MemoryBandwidth.measure(net.pool(), PROBE_BYTES, 5);
        long t0 = System.nanoTime();
        net.forwardLast(net.newCache(promptTokens), prompt, logits);
        long t1 = System.nanoTime();
        KvCache cache = net.newCache(genTokens);
        token[0] = prompt[0];
        long t2 = System.nanoTime();
        for (int i = 0; i < genTokens; i++) {
            net.forwardLast(cache, token, logits);
            token[0] = argmax(logits);
        }
        long t3 = System.nanoTime();
        MemoryBandwidth.Result after = MemoryBandwidth.measure(net.pool(), PROBE_BYTES, 5);
        long meanContext = (genTokens + 1) / 2;
        long kvBytes = KvCache.bytesFor(model.config(), 1) * meanContext;
        return new Result(promptTokens, genTokens, (t1 - t0) * 1e-9, (t3 - t2) * 1e-9,
                model.weights().bytesPerToken(), kvBytes, before, after);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
