package org.optopt.cli.run;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.optopt.cli.format.Numbers;
import org.optopt.optimizers.hyper.Towers;

/**
 * An optimizer as the user names it on the command line: either one registered optimizer with
 * settings, {@code adam}, {@code sgd(0.1, momentum=0.9)}, or a hypergradient tower in the stack
 * grammar of {@link Towers}, {@code adam/sgd(1e-5)}, {@code gdtuo:sgd(0.01)/sgd(0.01)}. Settings
 * from {@code --set} are merged in: for a tower, {@code lr=...} sets the model level and
 * {@code level1.lr=...} the first hyper-level.
 *
 * <p>Values that parse as numbers become numbers (hyperparameters), {@code true}/{@code false}
 * become booleans, numbers separated by commas ({@code 0.5,0.9,0.99}, optionally in brackets,
 * which the {@code NAME(...)} form needs: {@code gap-sgdm(momenta=[0.5,0.9])}) become lists
 * (list-valued hyperparameters such as candidate sets), anything else stays a string (an option
 * such as a surrogate's name).
 *
 * @param text the optimizer or stack as written (without the {@code --set} settings)
 * @param name the optimizer's registered name; for a tower, the stack text
 * @param settings hyperparameter values and options by name, in the order given
 * @param tower whether {@code text} is a stack of two or more levels (or a gdtuo stack)
 */
public record OptimizerSpec(String text, String name, Map<String, Object> settings, boolean tower) {
    /** Validates the name and copies the settings. */
    public OptimizerSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An optimizer name must not be blank");
        }
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Parses an optimizer or a stack.
     *
     * @throws IllegalArgumentException if it does not parse, naming the column
     */
    public static OptimizerSpec parse(String text) {
        String t = text.strip();
        if (t.contains("/") || t.startsWith(Towers.GDTUO_PREFIX)) {
            Towers.parse(t);
            return new OptimizerSpec(t, t, Map.of(), true);
        }
        int open = t.indexOf('(');
        if (open < 0) {
            return new OptimizerSpec(t, t, Map.of(), false);
        }
        if (!t.endsWith(")") || open == 0) {
            throw new IllegalArgumentException("Optimizer '" + text + "' must be NAME or NAME(lr, k=v, ...)");
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        String inner = t.substring(open + 1, t.length() - 1).strip();
        String[] args = inner.isEmpty() ? new String[0] : inner.split("[,;](?![^\\[]*\\])");
        for (int i = 0; i < args.length; i++) {
            String a = args[i].strip();
            if (i == 0 && !a.contains("=") && value(a) instanceof Double lr) {
                settings.put("lr", lr);
            } else if (!a.contains("=")) {
                settings.put(a, true);
            } else {
                settings.putAll(parseSettings(List.of(a)));
            }
        }
        return new OptimizerSpec(t, t.substring(0, open).strip(), settings, false);
    }

    /** This spec with {@code more} settings added (replacing equal names). */
    public OptimizerSpec with(Map<String, Object> more) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.putAll(more);
        return new OptimizerSpec(text, name, all, tower);
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

    /** {@code text} as a setting's value: a boolean, a number, else the text itself. */
    static Object value(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.parseBoolean(lower);
        }
        boolean bracketed = text.startsWith("[") && text.endsWith("]");
        if (bracketed || text.contains(",")) {
            String inner = bracketed ? text.substring(1, text.length() - 1).strip() : text;
            try {
                return inner.isEmpty() ? List.of()
                        : Arrays.stream(inner.split(",")).map(x -> Double.parseDouble(x.strip())).toList();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("A list value must be numbers separated by commas, got '" + text + "'");
            }
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /**
     * {@code name} or {@code name(k=v, ...)} with numbers as {@link Numbers#compact} writes them
     * ({@code lr=3e-4}); a tower prints its stack and settings.
     */
    @Override
    public String toString() {
        if (settings.isEmpty()) {
            return tower ? text : name;
        }
        StringBuilder sb = new StringBuilder(tower ? text + " " : name).append(tower ? "[" : "(");
        boolean first = true;
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            sb.append(first ? "" : ", ").append(e.getKey()).append('=')
                    .append(e.getValue() instanceof Double d ? Numbers.compact(d) : e.getValue());
            first = false;
        }
        return sb.append(tower ? "]" : ")").toString();
    }
}
