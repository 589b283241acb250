package org.optopt.tasks.training;

/**
 * An evaluation on the task's test split during or after training.
 *
 * @param step the number of steps taken before the evaluation
 * @param seconds training seconds up to it (evaluations excluded)
 * @param loss test loss
 * @param accuracy test accuracy, NaN where the task has none
 */
public record EvalRecord(long step, double seconds, double loss, double accuracy) {}
