package org.optopt.theory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The intersection of two or more budgets, e.g. {@code update-rms} and {@code spectral} (an
 * RMS-normalized step whose per-coordinate rate is also capped). Intersections have no closed form
 * in general; the {@link NumericSolver} solves them. Q is diagonal if any part is diagonal. Parts
 * must maximize the same objective (so a surrogate budget such as {@link Kronecker} cannot take part).
 *
 * @param parts at least two budgets, none of them an intersection
 */
public record Intersection(List<Budget> parts) implements Budget {
    /** Checks and copies the parts. */
    public Intersection {
        parts = List.copyOf(parts);
        if (parts.size() < 2) {
            throw new IllegalArgumentException("an intersection needs at least two budgets, got " + parts.size());
        }
        for (Budget b : parts) {
            if (b instanceof Intersection || b instanceof Kronecker) {
                throw new IllegalArgumentException("the " + b.name() + " budget cannot be part of an intersection");
            }
        }
    }

    @Override
    public String name() {
        return parts.stream().map(Budget::name).collect(Collectors.joining("+"));
    }

    @Override
    public double radius() {
        return parts.stream().mapToDouble(Budget::radius).max().orElseThrow();
    }

    @Override
    public boolean diagonal() {
        return parts.stream().anyMatch(Budget::diagonal);
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        return Optional.empty();
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        List<Constraint> all = new ArrayList<>();
        for (Budget b : parts) {
            all.addAll(b.constraints(sigma));
        }
        return all;
    }
}
