package org.neox4j.format.neox;

import java.util.regex.Pattern;

/** The types of plain (unquoted) YAML scalars in GPT-NeoX configs, Python spellings included. */
final class YamlScalars {
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private YamlScalars() {
    }

    /** Resolves a plain scalar: null, booleans, integers and floats (Python and YAML spellings). */
    static Object resolve(String s) {
        switch (s) {
            case "null", "Null", "NULL", "~", "None":
                return null;
            case "true", "True", "TRUE":
                return Boolean.TRUE;
            case "false", "False", "FALSE":
                return Boolean.FALSE;
            case ".inf", ".Inf", ".INF", "+.inf":
                return Double.POSITIVE_INFINITY;
            case "-.inf", "-.Inf", "-.INF":
                return Double.NEGATIVE_INFINITY;
            case ".nan", ".NaN", ".NAN":
                return Double.NaN;
            default:
                break;
        }
        if (INT.matcher(s).matches()) {
            try {
                return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
            } catch (NumberFormatException e) {
                return Double.parseDouble(s);
            }
        }
        if (FLOAT.matcher(s).matches()) {
            return Double.parseDouble(s);
        }
        return s;
    }
}
