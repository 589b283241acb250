package org.optopt.cli.run;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * How long {@code optopt run} of a task with its defaults takes, measured rather than guessed:
 * the task is set up on the backend (its data read), Adam takes {@value #WARMUP_STEPS} warm-up
 * steps and then timed steps for {@value #MEASURE_SECONDS} s (at least one), and one evaluation
 * is timed. The estimate is setup + default budget x mean step time + {@value #EVALUATIONS}
 * evaluations (the default of {@code run}). It extrapolates from the first steps, so it misses a
 * JIT warming up further or caches filling, and it is for the machine and backend it ran on.
 *
 * @param setupSeconds seconds to instantiate the task (read data, build the model)
 * @param stepSeconds mean seconds of a training step (batch, loss and gradient, Adam's step)
 * @param evaluationSeconds seconds of one evaluation on the test split
 * @param steps the default budget in steps
 */
record RunTimeEstimate(double setupSeconds, double stepSeconds, double evaluationSeconds, long steps) {
    static final int WARMUP_STEPS = 2;
    static final double MEASURE_SECONDS = 0.3;
    static final int EVALUATIONS = 20;

    /** Measures {@code task} on {@code backend}, reading its data from {@code data}. */
    static RunTimeEstimate measure(Task task, Backend backend, DataSource data, Optimizers optimizers) throws IOException {
        long t0 = System.nanoTime();
        try (TrainingProblem problem = task.instantiate(backend, data, 0, task.defaultBatchSize())) {
            Optimizer adam = optimizers.provider("adam").create(backend, problem.parameters(), Map.of());
            double setup = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < WARMUP_STEPS; i++) {
                step(problem, adam);
            }
            long start = System.nanoTime();
            long n = 0;
            do {
                step(problem, adam);
                n++;
            } while (System.nanoTime() - start < MEASURE_SECONDS * 1e9);
            double perStep = (System.nanoTime() - start) / 1e9 / n;
            long e0 = System.nanoTime();
            problem.evaluate();
            double evaluation = (System.nanoTime() - e0) / 1e9;
            return new RunTimeEstimate(setup, perStep, evaluation,
                    task.defaultBudget().totalSteps(problem.stepsPerEpoch()));
        }
    }

    private static void step(TrainingProblem problem, Optimizer optimizer) {
        problem.nextBatch();
        problem.lossAndGradient();
        optimizer.step();
    }

    /** The estimated seconds of a run with the defaults. */
    double seconds() {
        return setupSeconds + steps * stepSeconds + Math.min(EVALUATIONS, steps) * evaluationSeconds;
    }

    /** {@code ~40 s}, {@code ~12 min}, {@code ~3.5 h}. */
    String text() {
        double s = seconds();
        return s < 90 ? String.format(Locale.ROOT, "~%.0f s", Math.max(1, s))
                : s < 90 * 60 ? String.format(Locale.ROOT, "~%.0f min", s / 60)
                : String.format(Locale.ROOT, "~%.1f h", s / 3600);
    }
}
