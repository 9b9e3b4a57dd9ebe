package org.neox4j.hub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read chunk by chunk with a stall timeout: if no data arrives for {@code stallTimeout}
 * the body is cancelled (closing the connection) and {@link #next()} fails, so a silent server never
 * hangs a download. It asks for one chunk at a time, so a slow disk slows the connection instead of
 * filling memory.
 */
final class BodyStream implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {
    private static final Object END = new Object();

    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final Duration stallTimeout;
    private final String source;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;
    private boolean ended;

    /** {@code source} names what is being read, for error messages (e.g. a URL). */
    BodyStream(Duration stallTimeout, String source) {
        this.stallTimeout = stallTimeout;
        this.source = source;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        items.add(buffers);
    }

    @Override
    public void onError(Throwable error) {
        items.add(error);
    }

    @Override
    public void onComplete() {
        items.add(END);
    }

    /** The next chunk of the body, or null at its end; fails if the connection broke or stalled. */
    List<ByteBuffer> next() throws IOException {
        if (ended) {
            return null;
        }
        Object item;
        try {
            item = items.poll(stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new InterruptedIOException("interrupted while reading " + source);
        }
        if (item == null) {
            close();
            throw new IOException("no data from " + source + " for " + stallTimeout.toSeconds() + " s; the connection stalled");
        }
        if (item == END) {
            ended = true;
            return null;
        }
        if (item instanceof Throwable error) {
            ended = true;
            String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
            throw new IOException("connection broken while reading " + source + ": " + message, error);
        }
        @SuppressWarnings("unchecked")
        List<ByteBuffer> buffers = (List<ByteBuffer>) item;
        subscription.request(1);
        return buffers;
    }

    /** Reads the whole body, failing if it is longer than {@code maxBytes}. */
    byte[] readAll(int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (this) {
            for (List<ByteBuffer> chunk = next(); chunk != null; chunk = next()) {
                for (ByteBuffer buffer : chunk) {
                    if (out.size() + buffer.remaining() > maxBytes) {
                        throw new IOException("response from " + source + " is larger than " + maxBytes + " bytes");
                    }
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    out.write(bytes);
                }
            }
        }
        return out.toByteArray();
    }

    /** Stops reading; the rest of the body is discarded and the connection is not reused. */
    @Override
    public void close() {
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
    }
}
