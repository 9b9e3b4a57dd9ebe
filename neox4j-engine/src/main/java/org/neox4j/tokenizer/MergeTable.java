package org.neox4j.tokenizer;

import java.util.Arrays;

/**
 * The BPE merges: for a pair of adjacent token ids, the rank of the merge that joins them (lower
 * merges first) and the id it produces. An open-addressing table on primitive arrays, because
 * this lookup is the inner loop of BPE and boxing keys would dominate it.
 */
final class MergeTable {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int[] resultOfRank;
    private final int mask;

    /**
     * @param lefts, rights the pair of merge number {@code i} (its rank)
     * @param results the id merge number {@code i} produces
     */
    MergeTable(int[] lefts, int[] rights, int[] results) {
        int capacity = Integer.highestOneBit(Math.max(4, lefts.length * 2 + 1)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
        resultOfRank = results.clone();
        for (int rank = 0; rank < lefts.length; rank++) {
            // A pair listed twice keeps its later rank, as the reference library's map does.
            ranks[slot(key(lefts[rank], rights[rank]))] = rank;
        }
    }

    /** The rank of the merge of {@code left} then {@code right}, or -1 when they do not merge. */
    int rank(int left, int right) {
        long key = key(left, right);
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return ranks[i];
            }
            if (k == EMPTY) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    /** The id that merge number {@code rank} produces. */
    int result(int rank) {
        return resultOfRank[rank];
    }

    /** Finds the slot of {@code key}, claiming an empty one if it is new. */
    private int slot(long key) {
        int i = hash(key) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        return i;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing: the high bits are well mixed
        return (int) (h >>> 32);
    }
}
