package org.optopt.tasks.suite;

/**
 * The quality of the current parameters on a task's evaluation split.
 *
 * @param loss mean loss per example (or the closed-form expected loss where the task has one)
 * @param accuracy fraction of correctly classified examples in [0, 1], or NaN where the task is not
 *     a classification
 */
public record Evaluation(double loss, double accuracy) {
    /** An evaluation without accuracy. */
    public static Evaluation lossOnly(double loss) {
        return new Evaluation(loss, Double.NaN);
    }

    /** Whether an accuracy is defined. */
    public boolean hasAccuracy() {
        return !Double.isNaN(accuracy);
    }
}
