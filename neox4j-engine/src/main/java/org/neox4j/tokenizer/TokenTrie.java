package org.neox4j.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A character trie of added tokens that finds, at a given position, the longest token starting
 * there. Scanning positions left to right and taking the first hit gives the reference library's
 * leftmost-longest matching (its Aho-Corasick automaton with {@code MatchKind::LeftmostLongest}).
 * Children are small sorted arrays: added token sets are tiny, and most positions fail at the
 * root, which a bitmap of first characters decides without a search.
 */
final class TokenTrie {
    private final char[][] childChars;
    private final int[][] childNodes;
    private final int[] tokenIds;
    private final int[] depths;
    /** Bit c set when some token starts with ASCII character c. */
    private final long[] asciiFirst = new long[2];
    private final boolean nonAsciiFirst;

    /** @param tokens content to id; contents must not be empty */
    TokenTrie(Map<String, Integer> tokens) {
        List<char[]> chars = new ArrayList<>();
        List<int[]> nodes = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        List<Integer> nodeDepths = new ArrayList<>();
        addNode(chars, nodes, ids, nodeDepths, 0);
        boolean anyNonAscii = false;
        for (Map.Entry<String, Integer> token : tokens.entrySet()) {
            String content = token.getKey();
            char first = content.charAt(0);
            if (first < 128) {
                asciiFirst[first >> 6] |= 1L << first;
            } else {
                anyNonAscii = true;
            }
            int node = 0;
            for (int i = 0; i < content.length(); i++) {
                char c = content.charAt(i);
                int at = Arrays.binarySearch(chars.get(node), c);
                if (at >= 0) {
                    node = nodes.get(node)[at];
                    continue;
                }
                int child = addNode(chars, nodes, ids, nodeDepths, i + 1);
                at = -at - 1;
                chars.set(node, insert(chars.get(node), at, c));
                nodes.set(node, insert(nodes.get(node), at, child));
                node = child;
            }
            ids.set(node, token.getValue());
        }
        nonAsciiFirst = anyNonAscii;
        childChars = chars.toArray(char[][]::new);
        childNodes = nodes.toArray(int[][]::new);
        tokenIds = ids.stream().mapToInt(Integer::intValue).toArray();
        depths = nodeDepths.stream().mapToInt(Integer::intValue).toArray();
    }

    boolean isEmpty() {
        return childChars[0].length == 0;
    }

    /** The node of the longest token starting at {@code pos} in {@code text[.., end)}, or -1. */
    int longestMatch(String text, int pos, int end) {
        char first = text.charAt(pos);
        if (first < 128 ? (asciiFirst[first >> 6] & (1L << first)) == 0 : !nonAsciiFirst) {
            return -1;
        }
        int best = -1;
        int node = 0;
        for (int i = pos; i < end; i++) {
            int at = Arrays.binarySearch(childChars[node], text.charAt(i));
            if (at < 0) {
                break;
            }
            node = childNodes[node][at];
            if (tokenIds[node] >= 0) {
                best = node;
            }
        }
        return best;
    }

    /** The token id of a node returned by {@link #longestMatch}. */
    int tokenId(int node) {
        return tokenIds[node];
    }

    /** The length in characters of the token of a node returned by {@link #longestMatch}. */
    int length(int node) {
        return depths[node];
    }

    private static int addNode(List<char[]> chars, List<int[]> nodes, List<Integer> ids, List<Integer> depths, int depth) {
        chars.add(new char[0]);
        nodes.add(new int[0]);
        ids.add(-1);
        depths.add(depth);
        return chars.size() - 1;
    }

    private static char[] insert(char[] array, int at, char value) {
        char[] result = new char[array.length + 1];
        System.arraycopy(array, 0, result, 0, at);
        result[at] = value;
        System.arraycopy(array, at, result, at + 1, array.length - at);
        return result;
    }

    private static int[] insert(int[] array, int at, int value) {
        int[] result = new int[array.length + 1];
        System.arraycopy(array, 0, result, 0, at);
        result[at] = value;
        System.arraycopy(array, at, result, at + 1, array.length - at);
        return result;
    }
}
