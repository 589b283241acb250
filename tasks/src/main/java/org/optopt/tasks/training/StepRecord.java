package org.optopt.tasks.training;

import java.util.Map;

/**
 * One training step as recorded in a run's {@code steps.csv}.
 *
 * @param step the 1-based step number
 * @param seconds wall-clock seconds since training started (evaluations excluded)
 * @param loss the mini-batch training loss before the step
 * @param hyperparameters every effective hyperparameter after the step (the values it used; a
 *     hypergradient tower updates its lower levels at the start of each step), by name
 */
public record StepRecord(long step, double seconds, double loss, Map<String, Double> hyperparameters) {}
