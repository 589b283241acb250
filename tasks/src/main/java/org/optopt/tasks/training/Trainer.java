package org.optopt.tasks.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.EvaluationView;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Evaluation;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * The training runner: trains one task with one optimizer, draws mini-batches, computes loss and
 * gradients, steps the optimizer, records every step's loss and effective hyperparameters, and
 * evaluates on the test split on the schedule of its {@link RunOptions}, at the optimizer's
 * evaluation values (an averaged iterate such as Schedule-Free's x; see
 * {@link Optimizer#evaluationView()}). With a {@linkplain RunOptions#directory() run directory} it
 * writes the run's files ({@link RunDirectory}) and, every {@linkplain RunOptions#checkpointEvery()
 * N steps}, a {@link Checkpoint} from which {@link #resume} continues bit-identically.
 *
 * <pre>{@code
 * Task task = TaskRegistry.standard().get("teacher-student-mlp");
 * try (Backend backend = Backends.discover().createDefault(Map.of())) {
 *     RunOptions options = RunOptions.defaults().withSteps(2_000).withEvaluateEvery(200).withSeed(1)
 *             .withCheckpointEvery(500).withDirectory(Path.of("runs/adam"));
 *     OptimizerProvider adam = Optimizers.discover().provider("adam");
 *     Trainer.Result result = new Trainer(task, backend, ResolverDataSource.standard(null, true))
 *             .run((b, parameters) -> adam.create(b, parameters, Map.of("lr", 0.01)), options);
 *     result.evaluations().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p><b>Ownership.</b> The optimizer is built by the caller's factory over the parameters of the
 * problem the trainer instantiates, and from then on the trainer owns both: it closes the optimizer
 * and then the problem when the run ends, normally or by an exception. Read their final state
 * (trained values, probe statistics) in {@link Listener#onFinish}, which runs before they are
 * closed. The backend and the data source stay the caller's.
 */
public final class Trainer {
    /** Receives the records as they are made (run directories, progress bars); each method by default does nothing. */
    public interface Listener {
        /** A listener that does nothing. */
        Listener NONE = new Listener() {};

        /** Called after each step. */
        default void onStep(StepRecord record, long totalSteps) {}

        /** Called after each evaluation. */
        default void onEvaluation(EvalRecord record) {}

        /**
         * Called once after the last step and its evaluation, before the trainer closes the
         * optimizer and the problem: the moment to read their final state.
         */
        default void onFinish(TrainingProblem problem, Optimizer optimizer) {}

        /** This listener, then {@code next}, at every call. */
        default Listener andThen(Listener next) {
            Listener first = this;
            return new Listener() {
                @Override
                public void onStep(StepRecord record, long totalSteps) {
                    first.onStep(record, totalSteps);
                    next.onStep(record, totalSteps);
                }

                @Override
                public void onEvaluation(EvalRecord record) {
                    first.onEvaluation(record);
                    next.onEvaluation(record);
                }

                @Override
                public void onFinish(TrainingProblem problem, Optimizer optimizer) {
                    first.onFinish(problem, optimizer);
                    next.onFinish(problem, optimizer);
                }
            };
        }
    }

    /**
     * What a run produced.
     *
     * @param steps every step's record (of a resumed run: those before the checkpoint too)
     * @param evaluations every evaluation, the last one after the final step
     * @param stepsToTarget the step at whose evaluation the task's target was first reached, or -1
     * @param secondsToTarget the training seconds then (evaluations excluded), NaN if never
     */
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

        /**
         * The final metrics as {@code metrics.json} holds them: steps, seconds, final training loss,
         * test loss and accuracy, and when the target was reached.
         */
        public Map<String, Object> metrics() {
            EvalRecord last = finalEvaluation();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", last.step());
            m.put("seconds", last.seconds());
            m.put("final_train_loss", steps.get(steps.size() - 1).loss());
            m.put("test_loss", last.loss());
            m.put("test_accuracy", last.accuracy());
            m.put("reached_target", reachedTarget());
            m.put("steps_to_target", reachedTarget() ? stepsToTarget : null);
            m.put("seconds_to_target", reachedTarget() ? secondsToTarget : null);
            return m;
        }
    }

    /**
     * How far a run has come: the last completed step, training time (evaluations excluded) and
     * when the target was first reached (-1 and NaN: not yet).
     */
    record Progress(long step, double trainingNanos, long stepsToTarget, double secondsToTarget) {}

    /** Saves the training state after steps and restores it before training (checkpoints). */
    interface Checkpointer {
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

    /** {@link #run(BiFunction, RunOptions, Listener)} without a listener. */
    public Result run(BiFunction<Backend, ParameterSet, Optimizer> optimizer, RunOptions options) throws IOException {
        return run(optimizer, options, Listener.NONE);
    }

    /**
     * Trains from step 1 with the optimizer that {@code optimizer} builds over the problem's
     * parameters (the trainer closes it at the end). With a run directory, the directory (which must
     * not exist yet) is created first; a run that fails before its first step removes it again
     * (missing data, a failed download: nothing to keep or resume), a later failure marks it
     * {@code failed: reason}, and a finished run writes {@code metrics.json} and marks it complete.
     *
     * @throws IOException if the task's data or the run directory cannot be read or written
     * @throws IllegalArgumentException if the run directory exists, or the options need one and have none
     */
    public Result run(BiFunction<Backend, ParameterSet, Optimizer> optimizer, RunOptions options, Listener listener)
            throws IOException {
        if (options.directory() == null) {
            if (options.checkpointEvery() > 0) {
                throw new IllegalArgumentException("checkpoints need a run directory; give one or checkpoint every 0 steps");
            }
            return train(optimizer, options, listener, Checkpointer.NONE);
        }
        try (RunDirectory run = RunDirectory.create(options.directory(), config(options))) {
            for (Map.Entry<String, String> file : options.files().entrySet()) {
                RunDirectory.writeAtomically(run.path().resolve(file.getKey()), file.getValue());
            }
            return train(run, optimizer, options, listener, null);
        }
    }

    /**
     * Continues the interrupted run in {@code options}' directory from its checkpoint (from step 1
     * if it has none), so that its logs, metrics and final parameters are bit-identical to an
     * uninterrupted run's. {@code options} and {@code optimizer} must be those the run started with;
     * {@link Result#steps()} and {@link Result#evaluations()} include the records made before the
     * checkpoint, read back from the logs (at their 9 significant digits), and {@code listener} sees
     * only those made now.
     *
     * @throws IllegalArgumentException if the options have no directory, the run is complete, or its
     *     checkpoint is corrupt, does not fit the task or was written on another number of
     *     {@linkplain RunOptions#threads() threads}
     */
    public Result resume(BiFunction<Backend, ParameterSet, Optimizer> optimizer, RunOptions options, Listener listener)
            throws IOException {
        Path dir = options.directory();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("nothing to resume: " + (dir == null ? "the options name no run directory"
                    : dir + " is not a directory"));
        }
        if (Files.readString(dir.resolve(RunDirectory.STATUS)).strip().equals("complete")) {
            throw new IllegalArgumentException("Run " + dir + " is complete; there is nothing to resume");
        }
        Path file = RunCheckpoints.file(dir);
        Checkpoint from = Files.exists(file) ? Checkpoint.read(file) : null;
        if (from != null && from.threads() != options.threads()) {
            throw new IllegalArgumentException("The checkpoint in " + dir + " was written by a run on " + from.threads()
                    + " thread(s); resuming it on " + options.threads() + " would change its trajectory");
        }
        try (RunDirectory run = RunDirectory.resume(dir, from == null ? 0 : from.stepsLogLength(),
                from == null ? 0 : from.evalsLogLength())) {
            return train(run, optimizer, options, listener, from);
        }
    }

    /** Trains into {@code run}, completing it, or marking it failed (discarding a created one that never stepped). */
    private Result train(RunDirectory run, BiFunction<Backend, ParameterSet, Optimizer> optimizer, RunOptions options,
            Listener listener, Checkpoint from) throws IOException {
        RunCheckpoints checkpoints = new RunCheckpoints(run, options.checkpointEvery(), options.threads(), from);
        try {
            Result r = train(optimizer, options, run.andThen(listener), checkpoints);
            Map<String, Object> metrics = r.metrics();
            metrics.put("checkpoint_seconds", checkpoints.seconds());
            run.complete(metrics);
            return r;
        } catch (RuntimeException | IOException e) {
            if (run.created() && !run.started()) {
                run.discard();
            } else {
                run.fail(ErrorText.describe(e));
            }
            throw e;
        }
    }

    private Result train(BiFunction<Backend, ParameterSet, Optimizer> factory, RunOptions options, Listener listener,
            Checkpointer checkpoints) throws IOException {
        try (TrainingProblem problem = task.instantiate(backend, data, options.seed(),
                options.batchSize() > 0 ? options.batchSize() : task.defaultBatchSize());
                Optimizer optimizer = factory.apply(backend, problem.parameters())) {
            problem.setThreads(options.threads());
            long total = (options.budget() != null ? options.budget() : task.defaultBudget())
                    .totalSteps(problem.stepsPerEpoch());
            long evalEvery = options.evaluateEvery() > 0 ? options.evaluateEvery()
                    : Math.max(1, total / options.evaluations());
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
                StepRecord record = new StepRecord(t, trainingNanos / 1e9, loss, optimizer.trace());
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
            listener.onFinish(problem, optimizer);
            return new Result(steps, evals, stepsToTarget, secondsToTarget);
        }
    }

    /**
     * The run's {@code config.json}: the task, the caller's entries ({@link RunOptions#config()},
     * e.g. the optimizer and its hyperparameters), seed, batch size, budget, backend, threads, evaluation
     * schedule, target, and which optopt wrote it.
     */
    private Map<String, Object> config(RunOptions options) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("task", task.name());
        config.putAll(options.config());
        config.put("seed", options.seed());
        config.put("batch_size", options.batchSize() > 0 ? options.batchSize() : task.defaultBatchSize());
        config.put("budget", (options.budget() != null ? options.budget() : task.defaultBudget()).toString());
        config.put("backend", backend.name());
        config.put("threads", options.threads());
        if (options.evaluateEvery() > 0) {
            config.put("evaluate_every", options.evaluateEvery());
        } else {
            config.put("evaluations", options.evaluations());
        }
        config.put("target", task.target().toString());
        config.put("optopt_version", Provenance.version());
        config.put("git_commit", Provenance.gitCommit().orElse(null));
        return config;
    }
}
