package org.optopt.tasks.suite;

import java.util.Objects;

/**
 * The level at which a task counts as solved, e.g. test accuracy at least 0.9.
 *
 * @param metric what is compared
 * @param threshold the level to reach
 */
public record Target(Metric metric, double threshold) {
    /** The compared quantity and its direction. */
    public enum Metric {
        /** {@link Evaluation#loss()} at most the threshold. */
        TEST_LOSS_AT_MOST,
        /** {@link Evaluation#accuracy()} at least the threshold. */
        TEST_ACCURACY_AT_LEAST
    }

    /** Validates the threshold. */
    public Target {
        Objects.requireNonNull(metric, "metric");
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("Target threshold must be finite, got " + threshold);
        }
    }

    /** Test loss at most {@code level}. */
    public static Target lossAtMost(double level) {
        return new Target(Metric.TEST_LOSS_AT_MOST, level);
    }

    /** Test accuracy at least {@code level}. */
    public static Target accuracyAtLeast(double level) {
        return new Target(Metric.TEST_ACCURACY_AT_LEAST, level);
    }

    /** Whether {@code e} reaches this target (NaN never does). */
    public boolean reachedBy(Evaluation e) {
        return switch (metric) {
            case TEST_LOSS_AT_MOST -> e.loss() <= threshold;
            case TEST_ACCURACY_AT_LEAST -> e.accuracy() >= threshold;
        };
    }

    @Override
    public String toString() {
        return metric == Metric.TEST_LOSS_AT_MOST ? "test loss <= " + threshold : "test accuracy >= " + threshold;
    }
}
