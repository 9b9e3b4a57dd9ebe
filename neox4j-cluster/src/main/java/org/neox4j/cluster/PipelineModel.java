package org.neox4j.cluster;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.neox4j.Neox4jException;
import org.neox4j.cluster.proto.SequenceRows;
import org.neox4j.model.Config;
import org.neox4j.model.ForwardOptions;
import org.neox4j.model.ForwardPass;
import org.neox4j.model.ForwardResult;
import org.neox4j.model.GptNeoX;
import org.neox4j.model.KvCache;

/**
 * The forward pass of a model split across workers, for generation, scoring and serving alike.
 * This process keeps the embeddings, the first {@code localLayers} layers (possibly none), the
 * final LayerNorm and the head; each worker runs a contiguous range of the other layers.
 *
 * <p>A forward call embeds its tokens, splits the rows into micro-batches and sends them through
 * the stages in order, like an assembly line: while one stage works on micro-batch i, the stage
 * before it works on micro-batch i+1. Several calls may run at once (on different sequences);
 * their micro-batches interleave the same way. The last hidden states come back here for the head.
 *
 * <p>Failures: a request fails with a {@link PipelineException} naming the stage as soon as a
 * worker's connection drops, it answers with an error, it misses two health checks, or nothing
 * comes back for the step timeout. The session is then torn down on every worker, and the
 * sequences in it cannot go on; the next request opens a new session (reconnecting to a restarted
 * worker).
 */
public final class PipelineModel implements ForwardPass, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** A sequence's place in a session; released when its cache is released or collected. */
    private record Sequence(PipelineSession session, long id, Cleaner.Cleanable release) {
    }

    private final GptNeoX local;
    private final int localLayers;
    private final List<StageClient> stages;
    private final PipelineOptions options;
    private final String fingerprint;
    private final Map<KvCache, Sequence> sequences = Collections.synchronizedMap(new WeakHashMap<>());
    private final HealthWatch health;
    private PipelineSession session;
    private boolean closed;

    PipelineModel(GptNeoX local, List<StageClient> stages, PipelineOptions options) {
        this.local = local;
        this.localLayers = local.weights().endLayer();
        this.stages = List.copyOf(stages);
        this.options = options;
        this.fingerprint = ModelFingerprint.of(local.config());
        this.health = new HealthWatch(this.stages, this::currentSession, options);
    }

    @Override
    public Config config() {
        return local.config();
    }

    /** Layers this process runs itself, {@code [0, localLayers)}. */
    public int localLayers() {
        return localLayers;
    }

    /** A cache for this process's layers; the workers' part is made at the sequence's first forward pass. */
    @Override
    public KvCache newCache(int capacity) {
        return local.newCache(capacity);
    }

    @Override
    public ForwardResult forward(List<GptNeoX.Chunk> chunks, ForwardOptions forwardOptions) {
        if (forwardOptions.hiddenStates() || forwardOptions.probe() != null) {
            throw new Neox4jException("hidden states and probes of every layer are not available through a pipeline"
                    + " (run the model in one process for them)");
        }
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("forward pass needs at least one chunk");
        }
        int h = config().hiddenSize();
        int[] start = new int[chunks.size()];
        int n = 0;
        for (int c = 0; c < chunks.size(); c++) {
            start[c] = chunks.get(c).cache().length();
            n = Math.addExact(n, chunks.get(c).rows());
        }
        float[] x = new float[Math.multiplyExact(n, h)];
        local.embed(chunks, x); // validates tokens and room in the caches before anything is sent
        PipelineSession s = session();
        long[] ids = bind(chunks, s);

        List<MicroBatches.MicroBatch> batches = MicroBatches.split(chunks, maxRowsPerMessage());
        List<CompletableFuture<float[]>> results = new ArrayList<>(batches.size());
        for (MicroBatches.MicroBatch mb : batches) {
            float[] xm = Arrays.copyOfRange(x, mb.firstRow() * h, (mb.firstRow() + mb.rows()) * h);
            List<GptNeoX.Chunk> pieces = new ArrayList<>(mb.pieces().size());
            List<SequenceRows> rows = new ArrayList<>(mb.pieces().size());
            for (MicroBatches.Piece p : mb.pieces()) {
                KvCache cache = chunks.get(p.chunk()).cache();
                pieces.add(GptNeoX.Chunk.ofHidden(cache, p.rows()));
                rows.add(SequenceRows.newBuilder().setSequenceId(ids[p.chunk()]).setPosition(start[p.chunk()] + p.offset())
                        .setRows(p.rows()).setCapacity(cache.capacity()).build());
            }
            // this process's layers (or, with none, only counting the positions), then each worker in turn
            local.runLayers(0, localLayers, pieces, xm);
            CompletableFuture<float[]> f = CompletableFuture.completedFuture(xm);
            for (StageStream stream : s.streams()) {
                f = f.thenCompose(in -> stream.send(s.newBatchId(), rows, in, mb.rows(), h));
            }
            results.add(f);
        }
        for (int i = 0; i < batches.size(); i++) {
            float[] out = await(results.get(i), s);
            System.arraycopy(out, 0, x, batches.get(i).firstRow() * h, out.length);
        }
        return local.head(chunks, forwardOptions.logits(), x);
    }

    /**
     * Waits for a micro-batch to come back through every stage. The step timeout counts from the
     * previous micro-batch's return, so a long prompt only needs the pipeline to keep moving.
     */
    private float[] await(CompletableFuture<float[]> result, PipelineSession s) {
        try {
            return result.get(options.stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            s.fail(new PipelineException("no answer from the pipeline within " + options.stepTimeout().toSeconds()
                    + " s (the step timeout); waiting on " + busyStages(s)));
            throw s.failure();
        } catch (ExecutionException e) {
            PipelineException first = s.failure();
            if (first != null) {
                throw first;
            }
            throw e.getCause() instanceof PipelineException p ? p : new PipelineException("pipeline failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.fail(new PipelineException("interrupted while waiting for the pipeline"));
            throw s.failure();
        }
    }

    private static String busyStages(PipelineSession s) {
        List<String> busy = new ArrayList<>();
        for (StageStream stream : s.streams()) {
            if (stream.outstanding() > 0) {
                busy.add(stream.stage().name());
            }
        }
        return busy.isEmpty() ? "no stage" : String.join(", ", busy);
    }

    /** Most rows in one message, so that a micro-batch fits the workers' message limit. */
    private int maxRowsPerMessage() {
        long rowBytes = (long) config().hiddenSize() * options.wire().bytesPerValue();
        long fit = (Worker.MAX_MESSAGE_BYTES - (1 << 20)) / rowBytes;
        return (int) Math.max(1, Math.min(options.microBatchRows(), fit));
    }

    /** The sequence id of each chunk in session {@code s}; a new cache joins the session. */
    private long[] bind(List<GptNeoX.Chunk> chunks, PipelineSession s) {
        long[] ids = new long[chunks.size()];
        for (int c = 0; c < chunks.size(); c++) {
            KvCache cache = chunks.get(c).cache();
            Sequence seq = sequences.get(cache);
            if (seq == null) {
                if (cache.length() != 0) {
                    throw new Neox4jException("this KV cache holds " + cache.length() + " positions the workers do not"
                            + " have (released, or not made by this pipeline); start the sequence with a new cache");
                }
                long id = s.newSequenceId();
                seq = new Sequence(s, id, CLEANER.register(cache, () -> s.release(id)));
                sequences.put(cache, seq);
            } else if (seq.session() != s) {
                PipelineException lost = seq.session().failure();
                throw new PipelineException("this sequence's KV caches on the workers were lost with an earlier pipeline"
                        + " session" + (lost == null ? "" : " (" + lost.getMessage() + ")") + "; start it again", lost);
            }
            ids[c] = seq.id();
        }
        return ids;
    }

    @Override
    public void release(KvCache cache) {
        Sequence seq = sequences.remove(cache);
        if (seq != null) {
            seq.release().clean();
        }
    }

    /** The open session, or a new one when there is none or the last one failed. */
    private synchronized PipelineSession session() {
        if (closed) {
            throw new PipelineException("the pipeline is closed");
        }
        if (session == null || session.isBroken()) {
            session = PipelineSession.open(stages, fingerprint, options);
        }
        return session;
    }

    private synchronized PipelineSession currentSession() {
        return session;
    }

    /** Ends the session (the workers release its caches) and closes the connections. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (session != null) {
                session.close();
            }
        }
        health.close();
        for (StageClient stage : stages) {
            stage.close();
        }
    }
}
