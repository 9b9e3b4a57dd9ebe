package org.neox4j.cli;

import org.neox4j.Neox4jException;

/** Parses token id lists given on the command line ({@code 1,2,3} or {@code 1 2 3}). */
final class TokenIds {
    private TokenIds() {
    }

    static int[] parse(String text, String option) {
        String trimmed = text.strip();
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        String[] parts = trimmed.isEmpty() ? new String[0] : trimmed.split("[,\\s]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new Neox4jException(option + ": '" + parts[i] + "' is not a token id (expected integers such as 1,2,3)");
            }
            if (ids[i] < 0) {
                throw new Neox4jException(option + ": token ids cannot be negative, got " + ids[i]);
            }
        }
        if (ids.length == 0) {
            throw new Neox4jException(option + ": no token ids given");
        }
        return ids;
    }
}
