package org.optopt.optimizers.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one parser of the spec language (grammar: {@link OptimizerSpecs}): optimizer specs and
 * {@code key=value} settings into syntax trees whose every argument remembers its column. Names
 * and keys are lower-cased; option words keep their case. The parser knows no optimizer: names,
 * keys and values are checked against the registry by {@link OptimizerSpecs}.
 */
final class SpecParser {
    /** The prefix selecting gdtuo's update rules and conventions. */
    static final String GDTUO_PREFIX = Towers.GDTUO_PREFIX;
    /** The key prefix of a schedule, e.g. {@code schedule.lr}. */
    static final String SCHEDULE = "schedule.";
    /** The key prefix of a tower level in a setting, e.g. {@code level1.lr}. */
    static final String LEVEL = "level";

    /**
     * One argument of a level.
     *
     * @param key the key, or null for the positional step size
     * @param value a {@link Double}, a {@link List} of doubles, a word ({@link String}; a bare key
     *     is {@code "true"}) or a {@link ScheduleSpec}
     * @param column the 1-based column where the argument starts
     */
    record Arg(String key, Object value, int column) {}

    /** A level as written: its optimizer's name, the name's column, the arguments in order. */
    record Level(String name, int column, List<Arg> args) {}

    /** A spec as written. */
    record Spec(String text, boolean gdtuo, List<Level> levels) {}

    /**
     * A setting as written.
     *
     * @param level the tower level it names ({@code levelK.}), 0 when none
     * @param argument the key (e.g. {@code lr}, {@code schedule.lr}, {@code name}) and value, the
     *     column that of the value
     * @param keyColumn the column of the key
     */
    record Setting(String text, int level, Arg argument, int keyColumn) {}

    private final String s;
    private final String what;
    private int pos;

    private SpecParser(String s, String what) {
        this.s = s == null ? "" : s;
        this.what = what;
    }

    /**
     * Parses an optimizer spec.
     *
     * @throws SpecException naming the column of the first problem
     */
    static Spec spec(String text) {
        return new SpecParser(text, "optimizer").spec();
    }

    /**
     * Parses a setting {@code [levelK.]key=value}; a value of numbers separated by commas is a list.
     *
     * @throws SpecException naming the column of the first problem
     */
    static Setting setting(String text) {
        return new SpecParser(text, "setting").setting();
    }

    private Spec spec() {
        skipSpaces();
        boolean gdtuo = s.startsWith(GDTUO_PREFIX, pos);
        if (gdtuo) {
            pos += GDTUO_PREFIX.length();
        }
        List<Level> levels = new ArrayList<>();
        do {
            skipSpaces();
            levels.add(level());
            skipSpaces();
        } while (accept('/'));
        if (pos < s.length()) {
            throw error(pos, "expected '/' or end of input but found '" + s.charAt(pos) + "'");
        }
        return new Spec(s, gdtuo, levels);
    }

    private Level level() {
        int start = pos;
        String name = name("an optimizer name");
        List<Arg> args = new ArrayList<>();
        skipSpaces();
        items('(', ')', () -> args.add(argument(args)));
        return new Level(name, start + 1, args);
    }

    private Arg argument(List<Arg> before) {
        int start = pos;
        if (startsNumber()) {
            double v = number();
            if (!before.isEmpty()) {
                throw error(start, "a number without a name may only be the first argument (the step size)");
            }
            return new Arg(null, v, start + 1);
        }
        String key = key();
        for (Arg a : before) {
            if (key.equals(a.key())) {
                throw error(start, "argument '" + key + "' is given twice");
            }
        }
        skipSpaces();
        if (!accept('=')) {
            return new Arg(key, "true", start + 1);
        }
        skipSpaces();
        return new Arg(key, value(key, false), start + 1);
    }

    private Setting setting() {
        skipSpaces();
        int start = pos;
        String key = key();
        int level = 0;
        int dot = key.indexOf('.');
        if (dot > LEVEL.length() && key.startsWith(LEVEL) && key.substring(LEVEL.length(), dot).chars().allMatch(Character::isDigit)) {
            try {
                level = Integer.parseInt(key.substring(LEVEL.length(), dot));
            } catch (NumberFormatException e) {
                throw error(start, "level number " + key.substring(LEVEL.length(), dot) + " is out of range");
            }
            key = key.substring(dot + 1);
        }
        skipSpaces();
        if (!accept('=')) {
            throw error(pos, "expected '=' after the key " + key + " (a setting is KEY=VALUE) but found " + found());
        }
        skipSpaces();
        int valueStart = pos;
        Object value = key.equals(OptimizerSpecs.NAME) ? name("an optimizer name") : value(key, true);
        skipSpaces();
        if (pos < s.length()) {
            throw error(pos, "expected end of the setting but found '" + s.charAt(pos) + "'");
        }
        return new Setting(s, level, new Arg(key, value, valueStart + 1), start + 1);
    }

    /** A value: a schedule for a schedule key, else a number, a list or a word. */
    private Object value(String key, boolean bareList) {
        if (key.startsWith(SCHEDULE)) {
            return schedule();
        }
        List<Double> list = new ArrayList<>();
        if (items('[', ']', () -> list.add(number()))) {
            return list;
        }
        if (startsNumber()) {
            double v = number();
            skipSpaces();
            if (!bareList || !accept(',')) {
                return v;
            }
            list.add(v);
            do {
                skipSpaces();
                list.add(number());
                skipSpaces();
            } while (accept(','));
            return list;
        }
        int start = pos;
        while (pos < s.length() && !Character.isWhitespace(s.charAt(pos)) && ",()[]=/".indexOf(s.charAt(pos)) < 0) {
            pos++;
        }
        if (pos == start) {
            throw error(pos, "expected a value but found " + found());
        }
        return s.substring(start, pos);
    }

    /** {@code phase { "+" phase }}. */
    private ScheduleSpec schedule() {
        List<ScheduleSpec.Phase> phases = new ArrayList<>();
        while (true) {
            skipSpaces();
            int start = pos;
            ScheduleSpec.Phase phase = phase();
            skipSpaces();
            if (!accept('+')) {
                phases.add(phase);
                return new ScheduleSpec(phases);
            }
            try {
                ScheduleSpec.requireLength(phase);
            } catch (IllegalArgumentException e) {
                throw error(start, e.getMessage());
            }
            phases.add(phase);
        }
    }

    /** {@code name [ "(" [ (number | name "=" number) { "," ... } ] ")" ]}. */
    private ScheduleSpec.Phase phase() {
        int start = pos;
        String name = name("a schedule name");
        List<Double> positional = new ArrayList<>();
        Map<String, Double> named = new LinkedHashMap<>();
        skipSpaces();
        items('(', ')', () -> {
            int argStart = pos;
            if (startsNumber()) {
                if (!named.isEmpty()) {
                    throw error(argStart, "a number without a name may not follow named arguments");
                }
                positional.add(number());
                return;
            }
            String key = name("an argument name or a number");
            skipSpaces();
            if (!accept('=')) {
                throw error(pos, "expected '=' after " + key + " but found " + found());
            }
            skipSpaces();
            if (named.put(key, number()) != null) {
                throw error(argStart, "argument '" + key + "' is given twice");
            }
        });
        try {
            return ScheduleSpec.phase(name, positional, named);
        } catch (IllegalArgumentException e) {
            throw error(start, e.getMessage());
        }
    }

    /**
     * {@code open [ item { "," item } ] close}, spaces allowed around the items.
     *
     * @return false (having read nothing) if the next character is not {@code open}
     */
    private boolean items(char open, char close, Runnable item) {
        if (!accept(open)) {
            return false;
        }
        skipSpaces();
        if (accept(close)) {
            return true;
        }
        do {
            skipSpaces();
            item.run();
            skipSpaces();
        } while (accept(','));
        if (!accept(close)) {
            throw error(pos, "expected ',' or '" + close + "' but found " + found());
        }
        return true;
    }

    private String key() {
        StringBuilder sb = new StringBuilder(name("an argument name or a number"));
        while (accept('.')) {
            sb.append('.').append(name("a name after '.'"));
        }
        return sb.toString();
    }

    private boolean startsNumber() {
        if (pos >= s.length()) {
            return false;
        }
        char c = s.charAt(pos);
        int next = pos + 1 < s.length() ? s.charAt(pos + 1) : -1;
        return Character.isDigit(c) || c == '.' && Character.isDigit(next)
                || (c == '-' || c == '+') && (Character.isDigit(next) || next == '.');
    }

    /** {@code [+|-] digits [. digits] [(e|E) [+|-] digits]} (digits on at least one side of the point). */
    private double number() {
        int start = pos;
        if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
            pos++;
        }
        int digits = digits();
        if (accept('.')) {
            digits += digits();
        }
        if (digits == 0) {
            throw error(start, "expected a number but found " + (start < s.length() ? "'" + s.charAt(start) + "'" : "end of input"));
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
                pos++;
            }
            if (digits() == 0) {
                throw error(pos, "expected the digits of an exponent but found " + found());
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

    /** {@code letter { letter | digit | "_" | "-" }}, lower-cased. */
    private String name(String expected) {
        int start = pos;
        if (pos >= s.length() || !Character.isLetter(s.charAt(pos))) {
            throw error(pos, "expected " + expected + " but found " + found());
        }
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || "_-".indexOf(s.charAt(pos)) >= 0)) {
            pos++;
        }
        return s.substring(start, pos).toLowerCase(Locale.ROOT);
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

    private String found() {
        return pos >= s.length() ? "end of input" : "'" + s.charAt(pos) + "'";
    }

    private SpecException error(int at, String problem) {
        return new SpecException(what, s, at + 1, problem);
    }
}
