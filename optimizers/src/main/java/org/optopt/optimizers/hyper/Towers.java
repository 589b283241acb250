package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.ParameterSet;

/**
 * Parses optimizer stacks such as {@code adam/sgd(1e-5)}, {@code sgd(0.01)/sgd(0.01)/sgd(0.01)} or
 * {@code adam(lr=1e-3, beta1=0.9, learn=lr+beta1)/sgd(1e-5)} into tower specifications, written
 * left to right from the model outwards (the leftmost level trains the model; each level to its
 * right trains the hyperparameters of the one on its left).
 *
 * <pre>
 * stack    = level { "/" level }
 * level    = name [ "(" [ argument { "," argument } ] ")" ]
 * argument = number                  the step size (first hyperparameter, e.g. lr); first, at most once
 *          | key "=" value           a hyperparameter (number) or option (word)
 *          | key                     an option set to true, e.g. nesterov or frozen
 * value    = number | word { "+" word }
 * name, key, word = letter { letter | digit | "_" | "." | "-" }
 * number   = [ "+" | "-" ] digits [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ]
 * </pre>
 * Spaces may surround any token. Two keys belong to the tower rather than the optimizer:
 * <ul>
 *   <li>{@code learn=h1+h2+...}: the hyperparameters of this level that the level to its right
 *       learns ({@code learn=all}: every scalar of its update kernel). The default is the
 *       catalog's ({@link RegistryCatalog}: {@code lr}). The rightmost level learns nothing.</li>
 *   <li>{@code frozen}: the level keeps the hyperparameters on its left fixed (it still computes
 *       their hypergradients). A level right of the first must be frozen or have a step size &gt; 0.</li>
 * </ul>
 * Names come from a {@link LevelCatalog}; {@link #parse(String)} uses every elementwise optimizer
 * of the registry, or gdtuo's rules after {@code gdtuo:}. Errors name the 1-based column
 * ({@link StackSyntaxException}).
 */
public final class Towers {
    private Towers() {}

    /** The tower key selecting the learned hyperparameters. */
    public static final String LEARN = "learn";
    /** The tower key freezing a level. */
    public static final String FROZEN = "frozen";

    /**
     * A parsed stack.
     *
     * @param text the stack string
     * @param levels the levels, model level first
     */
    public record Spec(String text, List<LevelSpec> levels) {
        /** Copies the levels. */
        public Spec {
            levels = List.copyOf(levels);
        }

        /** Builds the tower over {@code parameters} on {@code backend} (which owns the parameters' tensors). */
        public HyperOptimizer build(ParameterSet parameters, Backend backend) {
            return new HyperOptimizer(levels, backend, parameters);
        }
    }

    /** The prefix selecting gdtuo's update rules and conventions ({@link RegistryCatalog#gdtuo()}). */
    public static final String GDTUO_PREFIX = "gdtuo:";

    /**
     * Parses {@code stack} with the optimizers of {@link RegistryCatalog#discover()}, or, after the
     * prefix {@value #GDTUO_PREFIX} (e.g. {@code gdtuo:adam/sgd(1e-5)}), with gdtuo's
     * ({@link RegistryCatalog#gdtuo()}); columns count from the start of the whole string.
     *
     * @throws StackSyntaxException naming the column of the first problem
     */
    public static Spec parse(String stack) {
        if (stack != null && stack.startsWith(GDTUO_PREFIX)) {
            return new Parser(stack, RegistryCatalog.gdtuo(), GDTUO_PREFIX.length()).stack();
        }
        return parse(stack, RegistryCatalog.discover());
    }

    /**
     * Parses {@code stack} with the optimizers of {@code catalog}.
     *
     * @throws StackSyntaxException naming the column of the first problem
     */
    public static Spec parse(String stack, LevelCatalog catalog) {
        return new Parser(stack, catalog, 0).stack();
    }

    private static final class Parser {
        private final String s;
        private final LevelCatalog catalog;
        private int pos;

        Parser(String s, LevelCatalog catalog, int start) {
            this.s = s == null ? "" : s;
            this.catalog = catalog;
            this.pos = start;
        }

        Spec stack() {
            List<LevelSpec> levels = new ArrayList<>();
            List<Integer> columns = new ArrayList<>();
            do {
                skipSpaces();
                columns.add(pos + 1);
                levels.add(level(levels.size()));
                skipSpaces();
            } while (accept('/'));
            if (pos < s.length()) {
                throw error(pos, "expected '/' or end of input but found '" + s.charAt(pos) + "'");
            }
            int top = levels.size() - 1;
            for (int k = 0; k <= top; k++) {
                LevelSpec l = levels.get(k);
                if (k == top && l.learnableGiven() && !l.learnable().isEmpty()) {
                    throw error(columns.get(k) - 1, "level " + k + " (" + l.optimizer() + ") is the rightmost level:"
                            + " nothing learns its " + String.join("+", l.learnable()) + "; drop learn= or add a level");
                }
                if (k > 0 && !l.frozen() && !(l.values().get(l.stepSize()) > 0)) {
                    throw error(columns.get(k) - 1, "level " + k + " (" + l.optimizer() + ") has " + l.stepSize() + " = "
                            + l.values().get(l.stepSize()) + ", but a learning level needs a step size > 0"
                            + " (write " + l.optimizer() + "(0, frozen) to keep the level on its left fixed)");
                }
            }
            return new Spec(s, levels);
        }

        private LevelSpec level(int index) {
            int start = pos;
            String name = word("an optimizer name");
            if (!catalog.names().contains(name)) {
                throw error(start, "unknown optimizer '" + name + "'; known optimizers: " + String.join(", ", catalog.names()));
            }
            List<String> known = catalog.arguments(name);
            Double stepSize = null;
            Map<String, Object> named = new LinkedHashMap<>();
            List<String> learn = null;
            boolean frozen = false;
            skipSpaces();
            if (accept('(')) {
                skipSpaces();
                if (!accept(')')) {
                    int argIndex = 0;
                    do {
                        skipSpaces();
                        int argStart = pos;
                        if (startsNumber()) {
                            double v = number();
                            if (argIndex > 0) {
                                throw error(argStart, "a number without a name may only be the first argument"
                                        + " (the step size " + known.get(0) + ")");
                            }
                            stepSize = v;
                        } else {
                            String key = word("an argument name or a number");
                            skipSpaces();
                            Object value = Boolean.TRUE;
                            if (accept('=')) {
                                skipSpaces();
                                value = startsNumber() ? (Object) number() : words();
                            }
                            if (named.containsKey(key) || (key.equals(LEARN) && learn != null)
                                    || (key.equals(known.get(0)) && stepSize != null)) {
                                throw error(argStart, "argument '" + key + "' is given twice");
                            }
                            if (key.equals(LEARN)) {
                                learn = learnList(value, argStart);
                            } else if (key.equals(FROZEN)) {
                                if (!(value instanceof Boolean) && !"true".equals(value) && !"false".equals(value)) {
                                    throw error(argStart, "frozen must be true or false, got " + value);
                                }
                                frozen = !"false".equals(value) && !Boolean.FALSE.equals(value);
                            } else if (!known.contains(key)) {
                                throw error(argStart, "unknown argument '" + key + "' of " + name + "; known: "
                                        + String.join(", ", known) + ", " + LEARN + ", " + FROZEN);
                            } else {
                                named.put(key, value instanceof String w && (w.equals("true") || w.equals("false"))
                                        ? Boolean.valueOf(w) : value);
                            }
                        }
                        argIndex++;
                        skipSpaces();
                    } while (accept(','));
                    expect(')');
                }
            }
            LevelSpec spec;
            try {
                spec = catalog.level(name, stepSize, named);
                if (learn != null) {
                    spec = spec.learning(learn.equals(List.of("all")) ? spec.rule().hyperparameterScalars()
                            : learn.equals(List.of("none")) ? List.of() : learn);
                }
            } catch (IllegalArgumentException e) {
                throw error(start, e.getMessage());
            }
            return spec.frozen(frozen);
        }

        private List<String> learnList(Object value, int at) {
            if (!(value instanceof String w)) {
                throw error(at, "learn needs hyperparameter names joined by '+', e.g. learn=lr+beta1, got " + value);
            }
            return Arrays.asList(w.split("\\+"));
        }

        private boolean startsNumber() {
            if (pos >= s.length()) {
                return false;
            }
            char c = s.charAt(pos);
            return Character.isDigit(c) || c == '-' || c == '+' || c == '.';
        }

        private double number() {
            int start = pos;
            if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
                pos++;
            }
            int digits = digits();
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                digits += digits();
            }
            if (digits == 0) {
                throw error(start, "expected a number");
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
                    pos++;
                }
                if (digits() == 0) {
                    throw error(pos, "expected the digits of an exponent");
                }
            }
            double v = Double.parseDouble(s.substring(start, pos));
            if (!Double.isFinite(v)) {
                throw error(start, "number " + s.substring(start, pos) + " is out of range");
            }
            return v;
        }

        private int digits() {
            int n = 0;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
                n++;
            }
            return n;
        }

        private String word(String what) {
            int start = pos;
            if (pos >= s.length() || !Character.isLetter(s.charAt(pos))) {
                throw error(pos, "expected " + what + " but found " + found());
            }
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || "_.-".indexOf(s.charAt(pos)) >= 0)) {
                pos++;
            }
            return s.substring(start, pos).toLowerCase(Locale.ROOT);
        }

        private String words() {
            StringBuilder sb = new StringBuilder(word("a value"));
            while (accept('+')) {
                sb.append('+').append(word("a name after '+'"));
            }
            return sb.toString();
        }

        private void skipSpaces() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean accept(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!accept(c)) {
                throw error(pos, "expected '" + c + "' or ',' but found " + found());
            }
        }

        private String found() {
            return pos >= s.length() ? "end of input" : "'" + s.charAt(pos) + "'";
        }

        private StackSyntaxException error(int at, String problem) {
            return new StackSyntaxException(s, at + 1, problem);
        }
    }
}
