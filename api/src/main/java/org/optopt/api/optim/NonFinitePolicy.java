package org.optopt.api.optim;

/** What {@link Optimizer#step()} does when a gradient holds NaN or an infinity. */
public enum NonFinitePolicy {
    /**
     * The default: the step fails with an {@link IllegalStateException} naming the first such
     * parameter, and leaves every parameter value and all optimizer state exactly as before.
     */
    FAIL,
    /**
     * {@code skipNonFinite}: the whole step is skipped (nothing changes, the step count does not
     * advance) and counted in {@link Optimizer#skippedSteps()}.
     */
    SKIP_NON_FINITE
}
