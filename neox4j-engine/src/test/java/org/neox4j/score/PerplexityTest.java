package org.neox4j.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.neox4j.Neox4jException;
import org.neox4j.ProgressListener;
import org.neox4j.model.GptNeoX;
import org.neox4j.loader.ModelLoader;
import org.neox4j.model.LoadOptions;
import org.neox4j.model.NeoxModel;
import org.neox4j.testing.GoldenModel;
import org.neox4j.testing.GoldenScores;
import org.neox4j.tokenizer.Tokenizer;

class PerplexityTest {

    @Test
    void wholeTextInOneWindowMatchesTheGoldenLogSoftmax() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            GoldenScores ref = new GoldenScores(golden);
            int[] ids = ref.inputIds("len33");
            double nll = 0;
            for (int t = 1; t < ids.length; t++) {
                nll -= ref.logprob("len33", t - 1, ids[t]);
            }
            PerplexityResult r = new Perplexity(model.network(), new PerplexityOptions(0, 0, false)).evaluate(ids, 100, ProgressListener.NONE);
            assertEquals(33, r.tokens());
            assertEquals(32, r.scoredTokens());
            assertEquals(1, r.windows());
            assertEquals(256, r.context(), "the model's max_position_embeddings");
            assertEquals(64, r.stride(), "a quarter of the window");
            assertEquals(nll, r.negLogLikelihood(), 1e-4);
            assertEquals(Math.exp(nll / 32), r.perplexity(), 1e-4 * r.perplexity());
            assertEquals(nll / Math.log(2) / 100, r.bitsPerByte(), 1e-6);
        }
    }

    /** Small windows against a literal transcription of the HF guide's loop, each token scored by a fresh pass. */
    @Test
    void slidingWindowMatchesADirectComputation() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            int[] ids = new GoldenScores(golden).inputIds("len33");
            for (int[] cs : new int[][] {{8, 3}, {8, 8}, {5, 1}, {2, 1}}) {
                int context = cs[0];
                int stride = cs[1];
                // for begin_loc in range(0, seq_len, stride): end_loc = min(begin_loc + max_length, seq_len);
                // trg_len = end_loc - prev_end_loc; labels before the last trg_len are ignored (and the window's
                // first label is never predicted)
                double nll = 0;
                int scored = 0;
                int prevEnd = 0;
                for (int begin = 0; begin < ids.length; begin += stride) {
                    int end = Math.min(begin + context, ids.length);
                    for (int t = Math.max(prevEnd, begin + 1); t < end; t++) {
                        nll -= directLogprob(model.network(), Arrays.copyOfRange(ids, begin, t), ids[t]);
                        scored++;
                    }
                    prevEnd = end;
                    if (end == ids.length) {
                        break;
                    }
                }
                AtomicLong total = new AtomicLong();
                AtomicLong advanced = new AtomicLong();
                PerplexityResult r = new Perplexity(model.network(), new PerplexityOptions(context, stride, false))
                        .evaluate(ids, 0, recorder(total, advanced));
                String what = "context " + context + " stride " + stride;
                assertEquals(scored, r.scoredTokens(), what);
                assertEquals(nll, r.negLogLikelihood(), 1e-4, what);
                assertEquals(scored, total.get(), what + " progress total");
                assertEquals(scored, advanced.get(), what + " progress advanced");
                assertTrue(Double.isNaN(r.bitsPerByte()), "no byte count given");
            }
        }
    }

    @Test
    void prependedBosScoresTheFirstToken() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            int[] ids = new GoldenScores(golden).inputIds("len7");
            int bos = model.config().bosTokenId();
            int[] withBos = new int[ids.length + 1];
            withBos[0] = bos;
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            double nll = 0;
            for (int t = 1; t < withBos.length; t++) {
                nll -= directLogprob(model.network(), Arrays.copyOf(withBos, t), withBos[t]);
            }
            PerplexityResult r = new Perplexity(model.network(), new PerplexityOptions(0, 4, true)).evaluate(ids, 0, ProgressListener.NONE);
            assertEquals(7, r.tokens());
            assertEquals(7, r.scoredTokens());
            assertEquals(nll, r.negLogLikelihood(), 1e-4);
        }
    }

    @Test
    void textPerplexityAndBitsPerByteMatchTheGoldenLogits() {
        try (GoldenModel golden = GoldenModel.open("tiny-parallel");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            GoldenScores ref = new GoldenScores(golden);
            int[] ids = ref.inputIds("len7");
            String text = " depositaughing状 dentro Dubai elite serialized";
            Tokenizer tokenizer = Tokenizer.load(golden.dir());
            assertArrayEquals(ids, tokenizer.encode(text), "the fixture text is the golden case");
            double nll = 0;
            for (int t = 1; t < ids.length; t++) {
                nll -= ref.logprob("len7", t - 1, ids[t]);
            }
            PerplexityResult r = new Perplexity(model.network(), PerplexityOptions.defaults()).evaluate(tokenizer, text, ProgressListener.NONE);
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, r.bytes());
            assertEquals(48, r.bytes(), "46 characters; '状' takes 3 bytes");
            assertEquals(nll, r.negLogLikelihood(), 1e-4);
            assertEquals(Math.exp(nll / 6), r.perplexity(), 1e-4 * r.perplexity());
            assertEquals(nll / Math.log(2) / 48, r.bitsPerByte(), 1e-5);
        }
    }

    @Test
    void unusableInputsAreRejected() {
        try (GoldenModel golden = GoldenModel.open("tiny-sequential");
             NeoxModel model = ModelLoader.load(golden.dir(), LoadOptions.defaults().withThreads(2))) {
            Perplexity p = new Perplexity(model.network(), new PerplexityOptions(16, 8, false));
            Neox4jException one = assertThrows(Neox4jException.class, () -> p.evaluate(new int[] {5}, 0, ProgressListener.NONE));
            assertEquals("the text has 1 token; perplexity needs at least two (or one, with the BOS token prepended)", one.getMessage());
            Neox4jException stride = assertThrows(Neox4jException.class,
                    () -> new Perplexity(model.network(), new PerplexityOptions(16, 17, false)));
            assertEquals("the stride (17) must not exceed the window of 16 tokens", stride.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new PerplexityOptions(1, 1, false));
        }
    }

    /** log p(next | history) from one forward pass over {@code history} alone, log-softmax in double. */
    static double directLogprob(GptNeoX net, int[] history, int next) {
        float[] logits = net.forward(net.newCache(history.length), history);
        return GoldenScores.logSoftmax(logits, 0, logits.length)[next];
    }

    static ProgressListener recorder(AtomicLong total, AtomicLong advanced) {
        return new ProgressListener() {
            @Override
            public void start(String task, long t) {
                total.set(t);
            }

            @Override
            public void advance(long delta) {
                advanced.addAndGet(delta);
            }

            @Override
            public void finish() {
            }
        };
    }
}
