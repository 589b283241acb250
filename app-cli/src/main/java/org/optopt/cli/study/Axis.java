package org.optopt.cli.study;

import java.util.ArrayList;
import java.util.List;

/**
 * The values a grid sweep gives one hyperparameter: an explicit list, or a grid spaced evenly on a
 * log or linear scale (both ends included).
 */
public sealed interface Axis {
    /** The values, in order. */
    List<Object> values();

    /** An explicit list of values (numbers, booleans or strings). */
    record Values(List<Object> values) implements Axis {
        /** Copies the list. */
        public Values {
            values = List.copyOf(values);
        }
    }

    /**
     * {@code count} values from {@code from} to {@code to}, both included, evenly spaced on a log
     * scale ({@code log}) or a linear one.
     */
    record Grid(double from, double to, int count, boolean log) implements Axis {
        /** The grid's values; one value is {@code from}. */
        @Override
        public List<Object> values() {
            List<Object> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                double u = count == 1 ? 0 : (double) i / (count - 1);
                out.add(at(from, to, u, log));
            }
            return out;
        }
    }

    /** A range filled by quasi-random samples, uniform on a log scale ({@code log}) or a linear one. */
    record Range(double from, double to, boolean log) {
        /** The point at {@code u} in [0, 1] of the range. */
        public double at(double u) {
            return Axis.at(from, to, u, log);
        }
    }

    /**
     * The point at fraction {@code u} of {@code [from, to]} on a log or linear scale. The ends are
     * returned exactly (a grid's ends are the numbers the user wrote, not their rounded logs).
     */
    static double at(double from, double to, double u, boolean log) {
        if (u == 0) {
            return from;
        }
        if (u == 1) {
            return to;
        }
        return log ? Math.exp(Math.log(from) + u * (Math.log(to) - Math.log(from))) : from + u * (to - from);
    }
}
