package org.optopt.api.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of a kernel call's reductions, by name, in the kernel's order. */
public final class Reductions {
    private final List<String> names;
    private final double[] values;

    /**
     * Pairs names with values.
     *
     * @throws IllegalArgumentException if the lengths differ
     */
    public Reductions(List<String> names, double[] values) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException(names.size() + " reduction names but " + values.length + " values");
        }
        this.names = List.copyOf(names);
        this.values = values.clone();
    }

    /** The value of reduction {@code name}. */
    public double get(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("No reduction named '" + name + "'; the kernel has " + names);
        }
        return values[i];
    }

    /** The value of the i-th reduction. */
    public double get(int i) {
        return values[i];
    }

    /** Number of reductions. */
    public int size() {
        return values.length;
    }

    /** The results as an ordered map. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(names.get(i), values[i]);
        }
        return m;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
