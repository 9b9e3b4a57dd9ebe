package org.neox4j.generate;

import java.util.Arrays;
import java.util.Set;
import org.neox4j.model.ContextOverflowException;
import org.neox4j.tokenizer.StreamingDecoder;
import org.neox4j.tokenizer.Tokenizer;

/**
 * Everything about one generating sequence except the model: what to feed it next, the sampler
 * and penalties, end-of-text, stop strings, the streamed text and the limits. A
 * {@link GenerationSession} drives one through its own forward passes; the batch scheduler drives
 * many through shared ones. Not thread-safe.
 */
public final class SequenceState {
    private final SamplingParams params;
    private final Sampler sampler;
    private final Set<Integer> eos;
    private final StreamingDecoder decoder;
    private final StopStrings stops;
    private final int[] prompt;
    private final int capacity;
    private final TokenHistory history;
    private final StringBuilder text;

    private int[] generated = new int[16];
    private int count;
    private FinishReason finish;

    /**
     * @param tokenizer turns tokens into text (and enables stop strings); null for ids only
     * @param eos ids that end the sequence (ignored when {@link SamplingParams#ignoreEos()})
     * @param vocabSize the model's vocabulary size (prompt ids are checked against it)
     * @param capacity KV cache positions available to the sequence: prompt and generated tokens
     */
    public SequenceState(Tokenizer tokenizer, int[] prompt, SamplingParams params, Set<Integer> eos, int vocabSize, int capacity) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens (give text or at least one token id)");
        }
        if (prompt.length > capacity) {
            throw new ContextOverflowException(0, prompt.length, capacity);
        }
        this.params = params;
        this.prompt = prompt.clone();
        this.capacity = capacity;
        this.sampler = new Sampler(params);
        this.eos = params.ignoreEos() ? Set.of() : eos;
        this.decoder = tokenizer == null ? null : tokenizer.streamingDecoder(true);
        this.stops = new StopStrings(params.stopStrings());
        this.text = tokenizer == null ? null : new StringBuilder();
        this.history = params.hasPenalties() ? new TokenHistory(vocabSize) : null;
        for (int t : prompt) {
            if (t < 0 || t >= vocabSize) {
                throw new IllegalArgumentException("prompt token id " + t + " is outside the model's vocabulary [0, " + vocabSize + ")");
            }
            if (history != null) {
                history.addPrompt(t);
            }
        }
        if (params.maxNewTokens() == 0) {
            finish = FinishReason.LENGTH;
        }
    }

    public int[] prompt() {
        return prompt.clone();
    }

    public int promptLength() {
        return prompt.length;
    }

    public SamplingParams params() {
        return params;
    }

    /** The tokens the model must process next: the prompt at first, then the last generated token. */
    public int[] nextInput() {
        return count == 0 ? prompt.clone() : new int[] {generated[count - 1]};
    }

    public boolean finished() {
        return finish != null;
    }

    /** Why it finished, or null while running. */
    public FinishReason finishReason() {
        return finish;
    }

    /**
     * Samples the next token from the logits of the last input position (modified in place),
     * appends it and decides whether the sequence is finished.
     */
    public GeneratedToken accept(float[] logits) {
        if (finish != null) {
            throw new IllegalStateException("generation has finished (" + finish.apiName() + ")");
        }
        int id = sampler.sampleWithHistory(logits, history);
        append(id);
        String chunk = null;
        if (eos.contains(id)) {
            finish = FinishReason.STOP;
            chunk = decoder == null ? null : release(decoder.finish(), true);
        } else {
            if (decoder != null) {
                chunk = release(decoder.push(id), false);
                if (stops.stopped()) {
                    finish = FinishReason.STOP;
                }
            }
            // the next step would put the token just sampled at position prompt + count - 1
            if (finish == null && (count >= params.maxNewTokens() || prompt.length + count > capacity)) {
                finish = FinishReason.LENGTH;
                if (decoder != null) {
                    chunk = chunk + release(decoder.finish(), true);
                }
            }
        }
        return new GeneratedToken(id, chunk);
    }

    private String release(String decoded, boolean end) {
        String out = stops.push(decoded);
        if (end) {
            out += stops.flush();
        }
        text.append(out);
        return out;
    }

    private void append(int id) {
        if (count == generated.length) {
            generated = Arrays.copyOf(generated, count * 2);
        }
        generated[count++] = id;
        if (history != null) {
            history.addOutput(id);
        }
    }

    /** Tokens generated so far. */
    public int generatedCount() {
        return count;
    }

    public int[] generated() {
        return Arrays.copyOf(generated, count);
    }

    /** The released text so far (cut before a stop string); null without a tokenizer. */
    public String text() {
        return text == null ? null : text.toString();
    }

    /** The result so far, with the given timings. */
    public GenerationResult result(long prefillNanos, long decodeNanos) {
        return new GenerationResult(generated(), text(), finish, prompt.length, prefillNanos, decodeNanos);
    }
}
