package org.optopt.optimizers.golden;

/**
 * The outcome of replaying one golden file.
 *
 * @param source the file (or other source) replayed
 * @param format the golden format, e.g. {@code torch}
 * @param optimizer our optimizer and options that replayed it
 * @param steps the number of steps replayed
 * @param compared the number of values compared
 * @param maxAbsError the largest absolute error
 * @param maxRelError the largest relative error ({@link ErrorMeter})
 * @param tolerance the relative tolerance
 * @param worst where the largest relative error occurred
 */
public record GoldenResult(String source, String format, String optimizer, int steps, long compared,
                           double maxAbsError, double maxRelError, double tolerance, String worst) {
    /** Whether every compared value is within the tolerance. */
    public boolean passed() {
        return maxRelError <= tolerance;
    }
}
