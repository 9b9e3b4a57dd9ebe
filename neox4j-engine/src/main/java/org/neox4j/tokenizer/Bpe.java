package org.neox4j.tokenizer;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The byte-level BPE model: a pre-tokenized word becomes its UTF-8 bytes, each byte its
 * single-byte token, and adjacent tokens merge, lowest merge rank first and leftmost among equal
 * ranks, until no adjacent pair has a merge. The order of merges is the reference library's
 * ({@code Word::merge_all}): a priority queue of candidate merges keyed by (rank, position),
 * where an entry whose pair has changed since it was queued is skipped.
 *
 * <p>Results are cached per word: natural text repeats a small set of words, so most words skip
 * the merging altogether. The cache is bounded and thread-safe; it never changes results.
 */
final class Bpe {
    /** Cached words are at most this long (characters), as in the reference library. */
    private static final int MAX_CACHED_WORD = 256;
    /** Entries before the cache starts over; about 10 MB of heap when full. */
    private static final int CACHE_CAPACITY = 65_536;

    private final int[] byteTokens;
    private final MergeTable merges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param byteTokens the id of the single-byte token of each byte value, or -1 where the
     *     vocabulary has none (such bytes are dropped, as the library does without an unknown token)
     */
    Bpe(int[] byteTokens, MergeTable merges) {
        this.byteTokens = byteTokens.clone();
        this.merges = merges;
    }

    /** Appends the ids of the word {@code text[start, end)} to {@code out}. */
    void encodeWord(String text, int start, int end, IdList out) {
        if (end - start > MAX_CACHED_WORD) {
            out.addAll(merge(text, start, end));
            return;
        }
        String word = text.substring(start, end);
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = merge(text, start, end);
            if (cache.size() >= CACHE_CAPACITY) {
                cache.clear();
            }
            cache.put(word, ids);
        }
        out.addAll(ids);
    }

    /** Words cached now (for tests and memory accounting). */
    int cachedWords() {
        return cache.size();
    }

    private int[] merge(String text, int start, int end) {
        int[] symbols = initialSymbols(text, start, end);
        int n = symbols.length;
        if (n < 2) {
            return symbols;
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        MergeQueue queue = new MergeQueue(n);
        for (int i = 0; i + 1 < n; i++) {
            queue.offer(merges.rank(symbols[i], symbols[i + 1]), i);
        }
        while (!queue.isEmpty()) {
            long top = queue.poll();
            int rank = MergeQueue.rank(top);
            int pos = MergeQueue.position(top);
            int right = next[pos];
            if (symbols[pos] < 0 || right < 0) {
                continue; // merged away, or nothing to its right any more
            }
            int currentRank = merges.rank(symbols[pos], symbols[right]);
            if (currentRank < 0 || merges.result(currentRank) != merges.result(rank)) {
                continue; // queued for a pair that has changed since
            }
            symbols[pos] = merges.result(rank);
            symbols[right] = -1;
            next[pos] = next[right];
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
                queue.offer(merges.rank(symbols[pos], symbols[next[pos]]), pos);
            }
            if (prev[pos] >= 0) {
                queue.offer(merges.rank(symbols[prev[pos]], symbols[pos]), prev[pos]);
            }
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (symbols[i] >= 0) {
                symbols[kept++] = symbols[i];
            }
        }
        return Arrays.copyOf(symbols, kept);
    }

    /** The single-byte tokens of the word's UTF-8 bytes. */
    private int[] initialSymbols(String text, int start, int end) {
        int[] symbols = new int[(end - start) * 3];
        int n = 0;
        for (int i = start; i < end; i++) {
            int c = text.charAt(i);
            if (c < 0x80) {
                n = addByte(symbols, n, c);
            } else if (c < 0x800) {
                n = addByte(symbols, n, 0xC0 | (c >> 6));
                n = addByte(symbols, n, 0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate((char) c) && i + 1 < end) {
                int cp = Character.toCodePoint((char) c, text.charAt(++i));
                n = addByte(symbols, n, 0xF0 | (cp >> 18));
                n = addByte(symbols, n, 0x80 | ((cp >> 12) & 0x3F));
                n = addByte(symbols, n, 0x80 | ((cp >> 6) & 0x3F));
                n = addByte(symbols, n, 0x80 | (cp & 0x3F));
            } else {
                n = addByte(symbols, n, 0xE0 | (c >> 12));
                n = addByte(symbols, n, 0x80 | ((c >> 6) & 0x3F));
                n = addByte(symbols, n, 0x80 | (c & 0x3F));
            }
        }
        return n == symbols.length ? symbols : Arrays.copyOf(symbols, n);
    }

    private int addByte(int[] symbols, int n, int b) {
        int id = byteTokens[b];
        if (id < 0) {
            return n;
        }
        symbols[n] = id;
        return n + 1;
    }
}
