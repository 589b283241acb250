package org.optopt.optimizers.schedule;

/**
 * A schedule for one hyperparameter: its value as a function of the schedule's position (the
 * number of optimizer steps taken since the schedule was attached) and the hyperparameter's base
 * value (the value set on the optimizer, per parameter group). Step {@code k} (1-based) uses
 * {@code value(k - 1, base)}, as a torch.optim scheduler stepped after each optimizer step.
 *
 * <p>Schedules are immutable; the position lives in the optimizer's state.
 */
public interface Schedule {

    /**
     * The hyperparameter's value at {@code position >= 0} for base value {@code base}.
     *
     * @throws IllegalArgumentException if {@code position < 0}
     */
    double value(long position, double base);

    /** The schedule with its parameters, e.g. {@code cosine(T=100, min=0.0)}; stored in state files. */
    String describe();
}
