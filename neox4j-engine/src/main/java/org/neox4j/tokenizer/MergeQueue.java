package org.neox4j.tokenizer;

import java.util.Arrays;

/**
 * A min-heap of candidate merges ordered by (rank, position), packed into longs so that the queue
 * allocates nothing per entry. Equal keys are the same candidate, so the pop order is fully
 * determined and matches the reference library's queue.
 */
final class MergeQueue {
    private long[] heap;
    private int size;

    MergeQueue(int capacity) {
        heap = new long[Math.max(4, capacity)];
    }

    /** Queues the merge of rank {@code rank} at {@code position}; a negative rank (no merge) is ignored. */
    void offer(int rank, int position) {
        if (rank < 0) {
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        long entry = ((long) rank << 32) | position;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= entry) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = entry;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Removes and returns the smallest entry. */
    long poll() {
        long top = heap[0];
        long last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= last) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return top;
    }

    static int rank(long entry) {
        return (int) (entry >>> 32);
    }

    static int position(long entry) {
        return (int) entry;
    }
}
