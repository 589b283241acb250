package org.optopt.api.optim;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The definition of a list-valued hyperparameter: a set of real candidates among which the
 * optimizer chooses while it trains, e.g. GAP's {@code momenta}. Like a {@link Choice} it is fixed
 * when the optimizer is created, because the number of candidates decides which state buffers
 * exist; each candidate lies in {@link #domain()}.
 *
 * <p>A valid list is non-empty and strictly ascending: a set written one way only, so that two
 * configurations with equal sets are equal and "the first candidate" (ties) is the smallest.
 * On the command line a list is written {@code 0.5,0.9,0.99} or {@code [0.5,0.9,0.99]}.
 *
 * @param name the hyperparameter's name, e.g. {@code momenta}
 * @param defaultValue the candidates used when the configuration gives none; a valid list
 * @param domain the valid values of each candidate
 * @param description one line on the hyperparameter's role
 */
public record HyperparameterList(String name, List<Double> defaultValue, Domain domain, String description) {
    /** Validates the definition: the default must be a valid list. */
    public HyperparameterList {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain of " + name);
        Objects.requireNonNull(description, "description of " + name);
        defaultValue = List.copyOf(defaultValue);
        requireValid(name + " (default)", defaultValue, domain);
    }

    /**
     * Returns {@code values} (copied) if they are a valid list of candidates.
     *
     * @throws IllegalArgumentException naming this hyperparameter and the offending value: an empty
     *     list, a candidate outside the domain, or candidates not strictly ascending (unsorted or repeated)
     */
    public List<Double> require(List<Double> values) {
        List<Double> copy = List.copyOf(values);
        requireValid(name, copy, domain);
        return copy;
    }

    private static void requireValid(String name, List<Double> values, Domain domain) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("Invalid " + name + " = []: needs at least one candidate");
        }
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            if (!domain.contains(v)) {
                throw new IllegalArgumentException("Invalid " + name + " = " + format(values) + ": candidate " + v
                        + " must satisfy " + domain.describe("candidate"));
            }
            if (i > 0 && !(values.get(i - 1) < v)) {
                throw new IllegalArgumentException("Invalid " + name + " = " + format(values) + ": candidates must be"
                        + " strictly ascending, but " + v + (values.get(i - 1) == v ? " is repeated" : " follows "
                        + values.get(i - 1)));
            }
        }
    }

    /** A list as the command line writes it, e.g. {@code [0.5,0.9,0.99]}. */
    public static String format(List<Double> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    /** {@code name = [default] (domain of each): description}. */
    @Override
    public String toString() {
        return name + " = " + format(defaultValue) + " (each " + domain.describe("candidate") + "): " + description;
    }
}
