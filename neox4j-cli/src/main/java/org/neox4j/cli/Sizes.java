package org.neox4j.cli;

import java.util.Locale;

/** Human-readable byte sizes (binary units, as memory is counted). */
final class Sizes {
    private Sizes() {
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /**
     * A size such as {@code 8G}, {@code 8GiB}, {@code 512M}, {@code 1.5g} or {@code 4096} (bytes); K, M, G, T are
     * binary units, as memory is counted.
     */
    static long parse(String text, String option) {
        String t = text.strip().toUpperCase(Locale.ROOT).replaceFirst("I?B$", "");
        long unit = 1;
        if (!t.isEmpty()) {
            int u = "KMGT".indexOf(t.charAt(t.length() - 1));
            if (u >= 0) {
                unit = 1L << (10 * (u + 1));
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            double value = Double.parseDouble(t);
            if (!(value > 0) || value * unit >= Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a size (examples: 8G, 512M, 1.5GiB)");
        }
    }
}
