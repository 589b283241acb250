package org.optopt.cli.run;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An optimizer as the user names it on the command line: a registered name plus {@code --set}
 * values. Values that parse as numbers become numbers (hyperparameters), {@code true}/{@code false}
 * become booleans, anything else stays a string (structural options such as a surrogate's name).
 *
 * @param name the registered optimizer name, e.g. {@code adam}
 * @param settings hyperparameter values and options by name, in the order given
 */
public record OptimizerSpec(String name, Map<String, Object> settings) {
    /** Validates the name and copies the settings. */
    public OptimizerSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An optimizer name must not be blank");
        }
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Parses {@code NAME} or {@code NAME(k=v,k=v)}.
     *
     * @throws IllegalArgumentException if the parentheses or settings are malformed, naming the text
     */
    public static OptimizerSpec parse(String text) {
        String t = text.strip();
        int open = t.indexOf('(');
        if (open < 0) {
            return new OptimizerSpec(t, Map.of());
        }
        if (!t.endsWith(")") || open == 0) {
            throw new IllegalArgumentException("Optimizer '" + text + "' must be NAME or NAME(k=v,k=v)");
        }
        String inner = t.substring(open + 1, t.length() - 1).strip();
        return new OptimizerSpec(t.substring(0, open).strip(),
                inner.isEmpty() ? Map.of() : parseSettings(java.util.Arrays.asList(inner.split("[,;]"))));
    }

    /**
     * Parses {@code key=value} settings.
     *
     * @throws IllegalArgumentException naming a setting without '=' or with an empty key
     */
    public static Map<String, Object> parseSettings(Iterable<String> assignments) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set needs NAME=VALUE, got '" + a + "'");
            }
            out.put(a.substring(0, eq).strip(), value(a.substring(eq + 1).strip()));
        }
        return out;
    }

    private static Object value(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.parseBoolean(lower);
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /** {@code name} or {@code name(k=v, ...)}. */
    @Override
    public String toString() {
        if (settings.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('(');
        settings.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ").append(k).append('=').append(v));
        return sb.append(')').toString();
    }
}
