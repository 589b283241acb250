package org.optopt.tasks.suite;

/**
 * How long a task trains by default.
 *
 * @param count number of units, positive
 * @param unit optimizer steps or passes over the training split
 */
public record Budget(long count, Unit unit) {
    /** The unit of a budget. */
    public enum Unit {
        /** Optimizer steps (mini-batches). */
        STEPS,
        /** Passes over the training split ({@link TrainingProblem#stepsPerEpoch()} steps each). */
        EPOCHS
    }

    /** Validates that the count is positive. */
    public Budget {
        if (count <= 0) {
            throw new IllegalArgumentException("Budget count must be positive, got " + count);
        }
        java.util.Objects.requireNonNull(unit, "unit");
    }

    /** A budget of {@code n} steps. */
    public static Budget steps(long n) {
        return new Budget(n, Unit.STEPS);
    }

    /** A budget of {@code n} epochs. */
    public static Budget epochs(long n) {
        return new Budget(n, Unit.EPOCHS);
    }

    /** The number of steps for a problem with {@code stepsPerEpoch} steps per epoch. */
    public long totalSteps(long stepsPerEpoch) {
        return unit == Unit.STEPS ? count : Math.multiplyExact(count, stepsPerEpoch);
    }

    @Override
    public String toString() {
        return count + " " + unit.name().toLowerCase(java.util.Locale.ROOT);
    }
}
