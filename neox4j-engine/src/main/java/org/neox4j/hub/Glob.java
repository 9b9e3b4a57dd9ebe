package org.neox4j.hub;

import java.util.regex.Pattern;

/**
 * Shell-style file patterns with the meaning Python's {@code fnmatch} gives them, as huggingface_hub's
 * {@code allow_patterns} do: {@code *} matches any run of characters including '/', {@code ?} one
 * character, {@code [abc]} / {@code [!abc]} a set; a pattern ending in '/' matches everything below it.
 */
final class Glob {
    private Glob() {
    }

    static boolean matches(String glob, String path) {
        return compile(glob).matcher(path).matches();
    }

    static Pattern compile(String glob) {
        if (glob.endsWith("/")) {
            glob = glob + "*";
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int end = classEnd(glob, i);
                    if (end < 0) {
                        regex.append("\\[");
                    } else {
                        regex.append(characterClass(glob.substring(i + 1, end)));
                        i = end;
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Index of the ']' closing the set opened at {@code open}, or -1 (then '[' is literal, as in fnmatch). */
    private static int classEnd(String glob, int open) {
        int j = open + 1;
        if (j < glob.length() && glob.charAt(j) == '!') {
            j++;
        }
        if (j < glob.length() && glob.charAt(j) == ']') {
            j++;
        }
        while (j < glob.length() && glob.charAt(j) != ']') {
            j++;
        }
        return j < glob.length() ? j : -1;
    }

    private static String characterClass(String body) {
        StringBuilder set = new StringBuilder("[");
        int start = 0;
        if (body.startsWith("!")) {
            set.append('^');
            start = 1;
        }
        for (int k = start; k < body.length(); k++) {
            char c = body.charAt(k);
            if (c == '-' && k > start && k < body.length() - 1) {
                set.append('-');
            } else if (Character.isLetterOrDigit(c)) {
                set.append(c);
            } else {
                set.append('\\').append(c);
            }
        }
        return set.append(']').toString();
    }
}
