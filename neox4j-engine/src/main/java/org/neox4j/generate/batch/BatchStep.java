package org.neox4j.generate.batch;

import java.util.ArrayList;
import java.util.List;
import org.neox4j.generate.TokenLogprobs;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;
import org.neox4j.tensor.WorkerPool;

/**
 * One step of continuous batching: a single forward pass over every running sequence (joining
 * ones as prefill chunks of their whole prompt, the others as one-token decode chunks), then
 * per-sequence sampling, split across the worker pool. Results are left on each {@link Sequence}
 * for the scheduler to deliver.
 */
final class BatchStep {
    private final BatchForward forward;
    private final WorkerPool pool;
    private final int vocab;

    BatchStep(BatchForward forward, WorkerPool pool, int vocab) {
        this.forward = forward;
        this.pool = pool;
        this.vocab = vocab;
    }

    /** Runs the step; throws only when the forward pass itself fails (then no sequence has advanced). */
    void run(List<Sequence> batch) {
        boolean allRows = false;
        List<GptNeoX.Chunk> chunks = new ArrayList<>(batch.size());
        int[] lastRow = new int[batch.size()];
        int[] inputLength = new int[batch.size()];
        boolean[] scorePrompt = new boolean[batch.size()];
        int rows = 0;
        for (int i = 0; i < batch.size(); i++) {
            Sequence s = batch.get(i);
            scorePrompt[i] = s.wantsPromptLogits();
            allRows |= scorePrompt[i];
            int[] input = s.state.nextInput();
            inputLength[i] = input.length;
            chunks.add(new GptNeoX.Chunk(s.cache, input));
            rows += input.length;
            lastRow[i] = rows - 1;
        }
        ForwardResult result = forward.forward(chunks, allRows ? ForwardOptions.ALL_LOGITS : ForwardOptions.LAST_LOGITS);
        float[] logits = result.logits();
        boolean all = allRows;
        pool.parallelFor(batch.size(), (start, end) -> {
            for (int i = start; i < end; i++) {
                int row = all ? lastRow[i] : i;
                sample(batch.get(i), logits, row, scorePrompt[i] ? lastRow[i] - inputLength[i] + 1 : -1);
            }
        });
    }

    /**
     * Samples sequence {@code s}'s next token from logits row {@code row}; {@code firstRow} is the
     * row of its first prompt token when its prompt log-probabilities are due now, else -1.
     */
    private void sample(Sequence s, float[] logits, int row, int firstRow) {
        s.token = null;
        s.tokenLogprobs = null;
        s.promptLogprobs = null;
        s.failure = null;
        try {
            int top = s.request.topLogprobs();
            if (firstRow >= 0) {
                int[] prompt = s.request.prompt();
                List<TokenLogprobs> lp = new ArrayList<>(prompt.length - 1);
                for (int p = 1; p < prompt.length; p++) {
                    lp.add(TokenLogprobs.of(logits, (firstRow + p - 1) * vocab, vocab, prompt[p], top));
                }
                s.promptLogprobs = lp;
            }
            if (s.state.finished()) {
                return; // max tokens 0: the step only scored the prompt
            }
            float[] own = new float[vocab];
            System.arraycopy(logits, row * vocab, own, 0, vocab);
            s.token = s.state.accept(own);
            if (top >= 0) {
                s.tokenLogprobs = TokenLogprobs.of(logits, row * vocab, vocab, s.token.id(), top);
            }
        } catch (RuntimeException e) {
            s.failure = "sampling failed: " + e.getMessage();
        }
    }
}
