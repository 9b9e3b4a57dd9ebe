package org.neox4j.generate.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neox4j.generate.GeneratedToken;
import org.neox4j.generate.TokenLogprobs;

/** A listener that records everything a sequence produces, for tests. */
final class Collector implements SequenceListener {
    final List<Integer> ids = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    final List<TokenLogprobs> logprobs = new ArrayList<>();
    final List<TokenLogprobs> promptLogprobs = new ArrayList<>();
    final CountDownLatch firstToken = new CountDownLatch(1);
    final CompletableFuture<SequenceEnd> end = new CompletableFuture<>();

    @Override
    public synchronized void onPromptLogprobs(List<TokenLogprobs> lp) {
        promptLogprobs.addAll(lp);
    }

    @Override
    public synchronized void onToken(GeneratedToken token, TokenLogprobs lp) {
        ids.add(token.id());
        if (token.text() != null) {
            text.append(token.text());
        }
        if (lp != null) {
            logprobs.add(lp);
        }
        firstToken.countDown();
    }

    @Override
    public void onEnd(SequenceEnd e) {
        end.complete(e);
    }

    SequenceEnd awaitEnd() throws Exception {
        return end.get(60, TimeUnit.SECONDS);
    }

    synchronized int[] idArray() {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
