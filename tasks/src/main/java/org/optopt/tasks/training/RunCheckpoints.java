package org.optopt.tasks.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * Checkpoints of one run directory: after every {@code every} steps and after the last (none if
 * {@code every} is 0), the logs
 * are flushed and a {@link Checkpoint} replaces {@code checkpoint.bin}; a resumed run restores the
 * parameters and the optimizer's state, replays the mini-batch stream to the checkpoint's step and
 * reads the earlier records back from the logs, which {@link RunDirectory#resume} has cut to the
 * checkpoint's lengths.
 */
final class RunCheckpoints implements Trainer.Checkpointer {
    /** The checkpoint's file name in a run directory. */
    static final String FILE = "checkpoint.bin";

    private final RunDirectory run;
    private final int every;
    private final int threads;
    private final Checkpoint from;
    private long writingNanos;

    /**
     * Checkpoints every {@code every} steps (0: never) of a run on {@code threads} threads,
     * continuing from {@code from} (null: from the start).
     */
    RunCheckpoints(RunDirectory run, int every, int threads, Checkpoint from) {
        this.run = run;
        this.every = every;
        this.threads = threads;
        this.from = from;
    }

    @Override
    public Trainer.Progress restore(TrainingProblem problem, Optimizer optimizer, List<StepRecord> steps,
            List<EvalRecord> evaluations) throws IOException {
        if (from == null) {
            return null;
        }
        List<Parameter> params = problem.parameters().parameters();
        List<String> mine = params.stream().map(p -> p.name() + p.value().shape()).toList();
        List<String> saved = from.parameters().stream().map(Checkpoint.ParameterValues::toString).toList();
        if (!mine.equals(saved)) {
            throw new IllegalArgumentException("The checkpoint in " + run.path() + " has parameters " + saved
                    + " but the task has " + mine);
        }
        optimizer.loadState(from.optimizer());
        for (int i = 0; i < params.size(); i++) {
            params.get(i).value().copyFrom(from.parameters().get(i).data());
        }
        for (long t = 0; t < from.step(); t++) {
            problem.nextBatch();
        }
        steps.addAll(RunLogs.steps(run.path()));
        evaluations.addAll(RunLogs.evaluations(run.path()));
        return new Trainer.Progress(from.step(), from.trainingNanos(), from.stepsToTarget(), from.secondsToTarget());
    }

    @Override
    public void afterStep(Trainer.Progress p, long totalSteps, TrainingProblem problem, Optimizer optimizer)
            throws IOException {
        if (every == 0 || p.step() % every != 0 && p.step() != totalSteps) {
            return;
        }
        long t0 = System.nanoTime();
        long[] lengths = run.flushLogs();
        List<Checkpoint.ParameterValues> values = new ArrayList<>();
        for (Parameter param : problem.parameters().parameters()) {
            values.add(new Checkpoint.ParameterValues(param.name(), param.value().shape(), param.value().toArray()));
        }
        new Checkpoint(p.step(), p.trainingNanos(), p.stepsToTarget(), p.secondsToTarget(), lengths[0], lengths[1],
                threads, values, optimizer.state()).write(file(run.path()));
        writingNanos += System.nanoTime() - t0;
    }

    /** Seconds spent writing checkpoints (and flushing logs for them) so far in this process. */
    double seconds() {
        return writingNanos / 1e9;
    }

    /** The checkpoint file of run directory {@code dir}. */
    static Path file(Path dir) {
        return dir.resolve(FILE);
    }
}
