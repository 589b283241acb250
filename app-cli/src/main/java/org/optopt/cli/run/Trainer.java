package org.optopt.cli.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.EvaluationView;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Evaluation;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * Trains one task with one optimizer: draws mini-batches, computes loss and gradients, steps the
 * optimizer, records every step's loss and effective hyperparameters, and evaluates on the test
 * split at regular intervals and at the end, at the optimizer's evaluation values (an averaged iterate
 * such as Schedule-Free's x; see {@link Optimizer#evaluationView()}).
 */
public final class Trainer {
    /** Receives the records as they are made (run directories, progress bars). */
    public interface Listener {
        /** Called after each step. */
        void onStep(StepRecord record, long totalSteps);

        /** Called after each evaluation. */
        void onEvaluation(EvalRecord record);
    }

    /** What a run produced. */
    public record Result(List<StepRecord> steps, List<EvalRecord> evaluations, long stepsToTarget,
            double secondsToTarget) {
        /** The last evaluation (after the final step). */
        public EvalRecord finalEvaluation() {
            return evaluations.get(evaluations.size() - 1);
        }

        /** Whether the task's target was reached at some evaluation. */
        public boolean reachedTarget() {
            return stepsToTarget >= 0;
        }
    }

    /**
     * How far a run has come: the last completed step, training time (evaluations excluded) and
     * when the target was first reached (-1 and NaN: not yet).
     */
    public record Progress(long step, double trainingNanos, long stepsToTarget, double secondsToTarget) {}

    /** Saves the training state after steps and restores it before training (checkpoints). */
    public interface Checkpointer {
        /** Saves nothing and always starts at step 1. */
        Checkpointer NONE = new Checkpointer() {
            @Override
            public Progress restore(TrainingProblem problem, Optimizer optimizer, List<StepRecord> steps,
                    List<EvalRecord> evaluations) {
                return null;
            }

            @Override
            public void afterStep(Progress progress, long totalSteps, TrainingProblem problem, Optimizer optimizer) {}
        };

        /**
         * Brings a fresh problem and optimizer to a saved step and adds the records made up to it to
         * {@code steps} and {@code evaluations}; returns null to start at step 1 instead.
         */
        Progress restore(TrainingProblem problem, Optimizer optimizer, List<StepRecord> steps,
                List<EvalRecord> evaluations) throws IOException;

        /** Called after every step, once its records are made and its evaluation, if any, is done. */
        void afterStep(Progress progress, long totalSteps, TrainingProblem problem, Optimizer optimizer)
                throws IOException;
    }

    private final Task task;
    private final Backend backend;
    private final DataSource data;

    /** A trainer for {@code task} on {@code backend}, reading data through {@code data}. */
    public Trainer(Task task, Backend backend, DataSource data) {
        this.task = task;
        this.backend = backend;
        this.data = data;
    }

    /**
     * Runs the training.
     *
     * @param optimizerFactory builds the optimizer over the problem's parameters
     * @param seed initialization and mini-batch order
     * @param batchSize examples per step (the task's default if not positive)
     * @param budget the training length, or null for the task's default budget
     * @param evaluations how many evaluations to spread over the run (at least the final one)
     * @throws IOException if the task's data cannot be read
     */
    public Result run(BiFunction<Backend, ParameterSet, Optimizer> optimizerFactory, long seed, int batchSize,
            Budget budget, int evaluations, Listener listener) throws IOException {
        return run(optimizerFactory, seed, batchSize, budget, evaluations, listener, Checkpointer.NONE);
    }

    /**
     * Runs the training from where {@code checkpoints} restores it (the listener sees only the steps
     * made now), saving through it after every step.
     */
    public Result run(BiFunction<Backend, ParameterSet, Optimizer> optimizerFactory, long seed, int batchSize,
            Budget budget, int evaluations, Listener listener, Checkpointer checkpoints) throws IOException {
        try (TrainingProblem problem = task.instantiate(backend, data, seed,
                batchSize > 0 ? batchSize : task.defaultBatchSize())) {
            Optimizer optimizer = optimizerFactory.apply(backend, problem.parameters());
            long total = (budget != null ? budget : task.defaultBudget()).totalSteps(problem.stepsPerEpoch());
            long evalEvery = Math.max(1, total / Math.max(1, evaluations));
            List<StepRecord> steps = new ArrayList<>();
            List<EvalRecord> evals = new ArrayList<>();
            Progress restored = checkpoints.restore(problem, optimizer, steps, evals);
            Closure closure = problem.closure();
            long stepsToTarget = restored == null ? -1 : restored.stepsToTarget();
            double secondsToTarget = restored == null ? Double.NaN : restored.secondsToTarget();
            double trainingNanos = restored == null ? 0 : restored.trainingNanos();
            for (long t = restored == null ? 1 : restored.step() + 1; t <= total; t++) {
                long t0 = System.nanoTime();
                problem.nextBatch();
                double loss = problem.lossAndGradient();
                optimizer.step(closure); // line-search-like optimizers re-evaluate or bound the loss
                trainingNanos += System.nanoTime() - t0;
                // After the step: a tower updates its lower levels' values at the start of a step.
                var hyper = optimizer.trace();
                StepRecord record = new StepRecord(t, trainingNanos / 1e9, loss, hyper);
                steps.add(record);
                listener.onStep(record, total);
                if (t % evalEvery == 0 || t == total) {
                    Evaluation e;
                    try (EvaluationView view = optimizer.evaluationView()) { // averaged parameters, if any
                        e = problem.evaluate();
                    }
                    EvalRecord er = new EvalRecord(t, trainingNanos / 1e9, e.loss(),
                            e.hasAccuracy() ? e.accuracy() : Double.NaN);
                    evals.add(er);
                    listener.onEvaluation(er);
                    if (stepsToTarget < 0 && task.target().reachedBy(e)) {
                        stepsToTarget = t;
                        secondsToTarget = er.seconds();
                    }
                }
                checkpoints.afterStep(new Progress(t, trainingNanos, stepsToTarget, secondsToTarget), total, problem,
                        optimizer);
            }
            return new Result(steps, evals, stepsToTarget, secondsToTarget);
        }
    }
}
