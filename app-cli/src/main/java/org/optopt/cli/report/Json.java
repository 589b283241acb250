package org.optopt.cli.report;

import java.util.Locale;
import java.util.Map;

/** Writes flat JSON objects of strings and numbers (what the commands' {@code --json} output needs). */
public final class Json {
    private Json() {}

    /**
     * One JSON object with the entries in iteration order. Numbers print in full precision;
     * non-finite numbers print as null; other values print as strings.
     */
    public static String object(Map<String, ?> entries) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, ?> e : entries.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(string(e.getKey())).append(": ").append(value(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d).replaceFirst("\\.?0+(e|$)", "$1") : "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return string(v.toString());
    }

    /** A JSON string literal with the required escapes. */
    public static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
