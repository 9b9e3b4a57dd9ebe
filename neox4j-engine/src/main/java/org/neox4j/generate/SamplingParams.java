package org.neox4j.generate;

import java.util.List;

/**
 * How to pick each next token, and when to stop. Validated when built; {@link #greedy(int)} and
 * {@link #defaults()} are the common starting points.
 *
 * @param maxNewTokens upper bound of generated tokens
 * @param temperature 0 for greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK keep the k most likely tokens (0 = off)
 * @param topP keep the smallest set of most likely tokens whose probability reaches p (1 = off)
 * @param minP drop tokens less likely than minP × the top token's probability (0 = off)
 * @param repetitionPenalty divide positive / multiply negative logits of tokens already in the
 *     prompt or output (1 = off), as Hugging Face's RepetitionPenaltyLogitsProcessor
 * @param presencePenalty subtracted from the logit of every token that occurs in the output so far
 *     (OpenAI's presence_penalty, in [-2, 2]; 0 = off)
 * @param frequencyPenalty subtracted from a token's logit once per occurrence in the output so far
 *     (OpenAI's frequency_penalty, in [-2, 2]; 0 = off)
 * @param seed random seed: the same seed gives the same output
 * @param stopStrings generation stops when the text contains one; it is not part of the output
 * @param ignoreEos keep generating past the model's end-of-text token (benchmarks, tests)
 */
public record SamplingParams(
        int maxNewTokens,
        double temperature,
        int topK,
        double topP,
        double minP,
        double repetitionPenalty,
        double presencePenalty,
        double frequencyPenalty,
        long seed,
        List<String> stopStrings,
        boolean ignoreEos) {

    public static final int MAX_STOP_STRINGS = 16;
    public static final int MAX_STOP_STRING_LENGTH = 1000;
    /** Bound of the presence and frequency penalties, as in OpenAI's API. */
    public static final double MAX_OPENAI_PENALTY = 2.0;

    public SamplingParams {
        require(maxNewTokens >= 0 && maxNewTokens <= 1 << 24, "max new tokens must be in 0..16777216, got " + maxNewTokens);
        require(temperature >= 0 && temperature <= 100, "temperature must be in [0, 100], got " + temperature);
        require(topK >= 0, "top-k must be >= 0 (0 = off), got " + topK);
        require(topP > 0 && topP <= 1, "top-p must be in (0, 1], got " + topP);
        require(minP >= 0 && minP < 1, "min-p must be in [0, 1), got " + minP);
        require(repetitionPenalty > 0 && repetitionPenalty <= 100, "repetition penalty must be in (0, 100], got " + repetitionPenalty);
        require(Math.abs(presencePenalty) <= MAX_OPENAI_PENALTY, "presence penalty must be in [-2, 2], got " + presencePenalty);
        require(Math.abs(frequencyPenalty) <= MAX_OPENAI_PENALTY, "frequency penalty must be in [-2, 2], got " + frequencyPenalty);
        stopStrings = List.copyOf(stopStrings);
        require(stopStrings.size() <= MAX_STOP_STRINGS, "at most " + MAX_STOP_STRINGS + " stop strings, got " + stopStrings.size());
        for (String s : stopStrings) {
            require(!s.isEmpty() && s.length() <= MAX_STOP_STRING_LENGTH,
                    "stop strings must be 1.." + MAX_STOP_STRING_LENGTH + " characters long");
        }
    }

    /** Without presence and frequency penalties. */
    public SamplingParams(int maxNewTokens, double temperature, int topK, double topP, double minP, double repetitionPenalty,
                          long seed, List<String> stopStrings, boolean ignoreEos) {
        this(maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, 0, 0, seed, stopStrings, ignoreEos);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Greedy decoding (argmax at every step), stopping at EOS. */
    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(maxNewTokens, 0, 0, 1, 0, 1, 0, List.of(), false);
    }

    /** Sampling defaults in the spirit of llama.cpp: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05. */
    public static SamplingParams defaults() {
        return new SamplingParams(128, 0.8, 40, 0.95, 0.05, 1.0, System.nanoTime(), List.of(), false);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    /** Whether any penalty needs the tokens seen so far. */
    public boolean hasPenalties() {
        return repetitionPenalty != 1.0 || presencePenalty != 0 || frequencyPenalty != 0;
    }

    public SamplingParams withMaxNewTokens(int n) {
        return new SamplingParams(n, temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, seed, stopStrings, ignoreEos);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, s, stopStrings, ignoreEos);
    }

    public SamplingParams withStopStrings(List<String> stops) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, seed, stops, ignoreEos);
    }

    public SamplingParams withPenalties(double presence, double frequency) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presence, frequency, seed, stopStrings, ignoreEos);
    }

    public SamplingParams withIgnoreEos(boolean ignore) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, seed, stopStrings, ignore);
    }
}
