package org.neox4j.format.pt;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Prints pickle values for error messages, bounded in depth, items and length so that a deep,
 * huge or cyclic structure from a hostile file cannot blow the stack or the message.
 */
final class Printer {
    private static final int MAX_DEPTH = 3;
    private static final int MAX_ITEMS = 6;
    private static final int MAX_STRING = 80;

    private Printer() {
    }

    static String print(PyValue value) {
        StringBuilder out = new StringBuilder();
        append(out, value, 0);
        return out.toString();
    }

    static String quote(String s) {
        String shown = s.length() > MAX_STRING ? s.substring(0, MAX_STRING) + "..." : s;
        return "'" + shown.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }

    private static void append(StringBuilder out, PyValue value, int depth) {
        switch (value) {
            case PyValue.Tuple t -> items(out, "(", t.items(), t.size() == 1 ? ",)" : ")", depth);
            case PyValue.PyList l -> items(out, "[", l.items, "]", depth);
            case PyValue.PyDict d -> entries(out, d.items, depth);
            case PyValue.Instance i -> {
                out.append(i.type.qualifiedName());
                items(out, "(", i.args.items(), ")", depth);
            }
            default -> out.append(value);
        }
    }

    private static void items(StringBuilder out, String open, List<PyValue> items, String close, int depth) {
        if (depth >= MAX_DEPTH && !items.isEmpty()) {
            out.append(open).append("...").append(close);
            return;
        }
        out.append(open);
        int n = 0;
        for (PyValue v : items) {
            if (n > 0) {
                out.append(", ");
            }
            if (n++ == MAX_ITEMS) {
                out.append("... ").append(items.size() - MAX_ITEMS).append(" more");
                break;
            }
            append(out, v, depth + 1);
        }
        out.append(close);
    }

    private static void entries(StringBuilder out, Map<PyValue, PyValue> items, int depth) {
        if (depth >= MAX_DEPTH && !items.isEmpty()) {
            out.append("{...}");
            return;
        }
        out.append('{');
        Iterator<Map.Entry<PyValue, PyValue>> it = items.entrySet().iterator();
        for (int n = 0; it.hasNext(); n++) {
            if (n > 0) {
                out.append(", ");
            }
            if (n == MAX_ITEMS) {
                out.append("... ").append(items.size() - MAX_ITEMS).append(" more");
                break;
            }
            Map.Entry<PyValue, PyValue> e = it.next();
            append(out, e.getKey(), depth + 1);
            out.append(": ");
            append(out, e.getValue(), depth + 1);
        }
        out.append('}');
    }
}
