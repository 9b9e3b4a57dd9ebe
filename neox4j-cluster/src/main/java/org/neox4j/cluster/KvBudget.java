package org.neox4j.cluster;

/** Bytes of KV cache a worker may hold over all its sessions; a sequence that would exceed it is refused. */
final class KvBudget {
    private final long limit;
    private long used;

    KvBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("KV budget must be positive, got " + limit);
        }
        this.limit = limit;
    }

    synchronized boolean tryReserve(long bytes) {
        if (bytes > limit - used) {
            return false;
        }
        used += bytes;
        return true;
    }

    synchronized void release(long bytes) {
        used -= bytes;
        if (used < 0) {
            throw new IllegalStateException("KV budget released more than it reserved");
        }
    }

    synchronized long used() {
        return used;
    }

    long limit() {
        return limit;
    }
}
