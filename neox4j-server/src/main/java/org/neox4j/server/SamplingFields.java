package org.neox4j.server;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.neox4j.generate.SamplingParams;

/**
 * The sampling parameters completions and chat share, read strictly: OpenAI's ({@code temperature},
 * {@code top_p}, {@code n}, {@code stop}, {@code seed}, {@code presence_penalty},
 * {@code frequency_penalty}) and the common extensions of local servers ({@code top_k},
 * {@code min_p}, {@code repetition_penalty}, {@code ignore_eos}).
 *
 * @param seed the seed of choice 0; choice i uses {@code seed + i}
 */
record SamplingFields(double temperature, double topP, int topK, double minP, double presencePenalty,
                      double frequencyPenalty, double repetitionPenalty, long seed, List<String> stop, boolean ignoreEos,
                      int n, boolean stream, boolean includeUsage) {

    static final int MAX_N = 16;
    static final Set<String> NAMES = Set.of("model", "temperature", "top_p", "top_k", "min_p", "presence_penalty",
            "frequency_penalty", "repetition_penalty", "seed", "stop", "ignore_eos", "n", "stream", "stream_options",
            "user", "logit_bias", "max_tokens");
    private static final SecureRandom SEEDS = new SecureRandom();

    static SamplingFields read(Params p, List<String> extraStops) {
        double temperature = orElse(p.number("temperature", 0, 2), 1.0);
        double topP = orElse(p.number("top_p", 0, 1), 1.0);
        if (topP == 0) {
            throw ApiException.invalid("top_p", "'top_p' must be greater than 0 (1 = off)");
        }
        Integer topK = p.integer("top_k", -1, Integer.MAX_VALUE);
        double minP = orElse(p.number("min_p", 0, 1), 0.0);
        if (minP == 1) {
            throw ApiException.invalid("min_p", "'min_p' must be less than 1 (0 = off)");
        }
        double presence = orElse(p.number("presence_penalty", -2, 2), 0.0);
        double frequency = orElse(p.number("frequency_penalty", -2, 2), 0.0);
        double repetition = orElse(p.number("repetition_penalty", 0, 100), 1.0);
        if (repetition == 0) {
            throw ApiException.invalid("repetition_penalty", "'repetition_penalty' must be greater than 0 (1 = off)");
        }
        Long seed = p.longValue("seed");
        List<String> stop = new ArrayList<>(p.strings("stop", 4, SamplingParams.MAX_STOP_STRING_LENGTH));
        for (String s : extraStops) {
            if (!stop.contains(s)) {
                stop.add(s);
            }
        }
        boolean ignoreEos = orElse(p.bool("ignore_eos"), false);
        int n = orElse(p.integer("n", 1, MAX_N), 1);
        boolean stream = orElse(p.bool("stream"), false);
        boolean includeUsage = false;
        if (p.node("stream_options") != null) {
            if (!stream) {
                throw ApiException.invalid("stream_options", "'stream_options' is only allowed when 'stream' is true");
            }
            Params options = new Params(p.node("stream_options"), Set.of("include_usage"));
            includeUsage = orElse(options.bool("include_usage"), false);
        }
        p.string("user");
        p.unsupportedUnlessEmpty("logit_bias");
        return new SamplingFields(temperature, topP, topK == null || topK < 0 ? 0 : topK, minP, presence, frequency, repetition,
                seed != null ? seed : SEEDS.nextLong(), stop, ignoreEos, n, stream, includeUsage);
    }

    /** The engine's parameters for choice {@code index}. */
    SamplingParams params(int maxTokens, int index) {
        return new SamplingParams(maxTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty,
                seed + index, stop, ignoreEos);
    }

    static <T> T orElse(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
