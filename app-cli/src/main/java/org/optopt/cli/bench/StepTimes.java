package org.optopt.cli.bench;

import java.util.Arrays;

/**
 * The distribution of timed steps: median, mean and 90th percentile, in milliseconds. The median
 * is the headline (robust on a noisy VM); the mean and the 90th percentile show what the median
 * hides when steps are bimodal, e.g. two-thread steps of which some wait for a thread the OS was
 * slow to wake: the mean is what a long run's wall clock pays per step.
 *
 * @param medianMillis the middle step (the upper one of an even count)
 * @param meanMillis the mean step
 * @param p90Millis the 90th percentile, nearest rank: the smallest step at least 90% of steps do not exceed
 */
record StepTimes(double medianMillis, double meanMillis, double p90Millis) {
    /**
     * The distribution of {@code millis} (not modified).
     *
     * @throws IllegalArgumentException if there are no steps
     */
    static StepTimes of(double[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("No steps were timed");
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return new StepTimes(sorted[n / 2], Arrays.stream(sorted).sum() / n, sorted[(int) Math.ceil(0.9 * n) - 1]);
    }
}
