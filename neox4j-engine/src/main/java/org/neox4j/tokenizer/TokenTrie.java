package org.neox4j.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A character trie of added tokens that finds, at a given position, the longest token starting
 * there. Scanning positions left to right and taking the first hit gives the reference library's
 * leftmost-longest matching (its Aho-Corasick automaton with {@code MatchKind::LeftmostLongest}).
 * Children are small sorted arrays: added token sets are tiny, and most positions fail at the root.
 */
final class TokenTrie {
    private final List<char[]> childChars = new ArrayList<>();
    private final List<int[]> childNodes = new ArrayList<>();
    private final List<Integer> tokenIds = new ArrayList<>();
    private final List<Integer> depths = new ArrayList<>();
    /** Bit c set when some token starts with ASCII character c: a quick reject for most text. */
    private final long[] asciiFirst = new long[2];
    private boolean nonAsciiFirst;

    TokenTrie() {
        newNode(0);
    }

    /** Adds a token; a later token with the same content replaces the id of an earlier one. */
    void add(String content, int id) {
        if (content.isEmpty()) {
            throw new IllegalArgumentException("empty token");
        }
        char first = content.charAt(0);
        if (first < 128) {
            asciiFirst[first >> 6] |= 1L << first;
        } else {
            nonAsciiFirst = true;
        }
        int node = 0;
        for (int i = 0; i < content.length(); i++) {
            int child = child(node, content.charAt(i));
            if (child < 0) {
                child = newNode(i + 1);
                addChild(node, content.charAt(i), child);
            }
            node = child;
        }
        tokenIds.set(node, id);
    }

    boolean isEmpty() {
        return childChars.get(0).length == 0;
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
            node = child(node, text.charAt(i));
            if (node < 0) {
                break;
            }
            if (tokenIds.get(node) >= 0) {
                best = node;
            }
        }
        return best;
    }

    /** The token id of a node returned by {@link #longestMatch}. */
    int tokenId(int node) {
        return tokenIds.get(node);
    }

    /** The length in characters of the token of a node returned by {@link #longestMatch}. */
    int length(int node) {
        return depths.get(node);
    }

    private int newNode(int depth) {
        childChars.add(new char[0]);
        childNodes.add(new int[0]);
        tokenIds.add(-1);
        depths.add(depth);
        return childChars.size() - 1;
    }

    private int child(int node, char c) {
        char[] chars = childChars.get(node);
        int i = java.util.Arrays.binarySearch(chars, c);
        return i >= 0 ? childNodes.get(node)[i] : -1;
    }

    private void addChild(int node, char c, int child) {
        char[] chars = childChars.get(node);
        int[] nodes = childNodes.get(node);
        int at = -java.util.Arrays.binarySearch(chars, c) - 1;
        char[] newChars = new char[chars.length + 1];
        int[] newNodes = new int[nodes.length + 1];
        System.arraycopy(chars, 0, newChars, 0, at);
        System.arraycopy(nodes, 0, newNodes, 0, at);
        newChars[at] = c;
        newNodes[at] = child;
        System.arraycopy(chars, at, newChars, at + 1, chars.length - at);
        System.arraycopy(nodes, at, newNodes, at + 1, nodes.length - at);
        childChars.set(node, newChars);
        childNodes.set(node, newNodes);
    }
}
