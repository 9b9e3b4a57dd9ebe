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

    /** Parses a byte size: a number with an optional unit B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB (all binary). */
    static long parse(String text) {
        String t = text.trim();
        int split = 0;
        while (split < t.length() && (Character.isDigit(t.charAt(split)) || t.charAt(split) == '.')) {
            split++;
        }
        String unit = t.substring(split).trim().toUpperCase(Locale.ROOT);
        int power = switch (unit) {
            case "", "B" -> 0;
            case "K", "KB", "KIB" -> 1;
            case "M", "MB", "MIB" -> 2;
            case "G", "GB", "GIB" -> 3;
            case "T", "TB", "TIB" -> 4;
            default -> throw new IllegalArgumentException("invalid size '" + text + "': use a number with B, KiB, MiB, GiB or TiB");
        };
        double value;
        try {
            value = Double.parseDouble(t.substring(0, split));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid size '" + text + "': use a number with B, KiB, MiB, GiB or TiB");
        }
        double bytes = value * Math.pow(1024, power);
        if (!(bytes >= 1) || bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("invalid size '" + text + "': must be at least 1 byte");
        }
        return (long) bytes;
    }
}
