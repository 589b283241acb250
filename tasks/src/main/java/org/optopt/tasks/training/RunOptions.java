package org.optopt.tasks.training;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.tasks.suite.Budget;

/**
 * How a {@link Trainer} runs: length, batch size, seed, evaluation schedule, checkpoints and where
 * the run's files go. Immutable; start from {@link #defaults()} and change what differs with the
 * {@code with...} methods.
 *
 * @param budget the training length, or null for the task's default budget
 * @param batchSize examples per step, or 0 for the task's default
 * @param seed the seed of initialization and mini-batch order
 * @param evaluations how many test-split evaluations to spread over the run (every
 *     {@code max(1, total / evaluations)} steps, and after the last step), unless
 *     {@code evaluateEvery} is set
 * @param evaluateEvery steps between evaluations (and after the last step), or 0 to spread
 *     {@code evaluations}
 * @param checkpointEvery steps between checkpoints (and after the last step), or 0 for none; a
 *     checkpoint needs a run directory
 * @param directory the run directory to create (see {@link RunDirectory}), or null to write no files
 * @param config further entries of the run directory's {@code config.json}, after the task's name
 *     (e.g. the optimizer and its hyperparameters, which the trainer cannot name before it builds it)
 * @param files further files written into the run directory when it is created, by name
 * @param threads threads of each step's loss and gradient ({@link org.optopt.tasks.suite.TrainingProblem#setThreads}: data
 *     parallel over the mini-batch); part of the run's definition, as its trajectory depends on it
 *     (float summation order), so {@code config.json} and checkpoints record it
 */
public record RunOptions(Budget budget, int batchSize, long seed, int evaluations, long evaluateEvery,
        int checkpointEvery, Path directory, Map<String, Object> config, Map<String, String> files, int threads) {
    /** Evaluations spread over a run unless told otherwise: {@value}. */
    public static final int DEFAULT_EVALUATIONS = 20;

    /**
     * Checks the counts; copies the maps.
     *
     * @throws IllegalArgumentException if a count is out of range or a file name is not a plain name
     */
    public RunOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (batchSize < 0 || evaluations < 1 || evaluateEvery < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException("batch size, evaluate-every and checkpoint-every must be at least 0"
                    + " and evaluations at least 1, got " + batchSize + ", " + evaluateEvery + ", " + checkpointEvery
                    + " and " + evaluations);
        }
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        for (String name : files.keySet()) {
            if (Path.of(name).getNameCount() != 1 || name.equals("..") || name.equals(".")) {
                throw new IllegalArgumentException("a run file needs a plain file name, got '" + name + "'");
            }
        }
    }

    /**
     * The task's budget and batch size, seed 0, {@value #DEFAULT_EVALUATIONS} evaluations, no
     * checkpoints, no files, one thread.
     */
    public static RunOptions defaults() {
        return new RunOptions(null, 0, 0, DEFAULT_EVALUATIONS, 0, 0, null, Map.of(), Map.of(), 1);
    }

    /** These options with training length {@code budget} (null: the task's default). */
    public RunOptions withBudget(Budget budget) {
        return new RunOptions(budget, batchSize, seed, evaluations, evaluateEvery, checkpointEvery, directory, config,
                files, threads);
    }

    /** These options with a budget of {@code steps} steps. */
    public RunOptions withSteps(long steps) {
        return withBudget(Budget.steps(steps));
    }

    /** These options with a budget of {@code epochs} passes over the training split. */
    public RunOptions withEpochs(long epochs) {
        return withBudget(Budget.epochs(epochs));
    }

    /** These options with {@code batchSize} examples per step (0: the task's default). */
    public RunOptions withBatchSize(int batchSize) {
        return new RunOptions(budget, batchSize, seed, evaluations, evaluateEvery, checkpointEvery, directory, config,
                files, threads);
    }

    /** These options with seed {@code seed}. */
    public RunOptions withSeed(long seed) {
        return new RunOptions(budget, batchSize, seed, evaluations, evaluateEvery, checkpointEvery, directory, config,
                files, threads);
    }

    /** These options with {@code evaluations} evaluations spread over the run (and no fixed interval). */
    public RunOptions withEvaluations(int evaluations) {
        return new RunOptions(budget, batchSize, seed, evaluations, 0, checkpointEvery, directory, config, files, threads);
    }

    /** These options computing each step's loss and gradient on {@code threads} threads (data parallel). */
    public RunOptions withThreads(int threads) {
        return new RunOptions(budget, batchSize, seed, evaluations, evaluateEvery, checkpointEvery, directory, config,
                files, threads);
    }

    /** These options with an evaluation every {@code steps} steps and after the last. */
    public RunOptions withEvaluateEvery(long steps) {
        return new RunOptions(budget, batchSize, seed, evaluations, steps, checkpointEvery, directory, config, files, threads);
    }

    /** These options with a checkpoint every {@code steps} steps and after the last (0: none). */
    public RunOptions withCheckpointEvery(int steps) {
        return new RunOptions(budget, batchSize, seed, evaluations, evaluateEvery, steps, directory, config, files, threads);
    }

    /** These options writing the run's files to {@code directory}, which must not exist yet (null: none). */
    public RunOptions withDirectory(Path directory) {
        return new RunOptions(budget, batchSize, seed, evaluations, evaluateEvery, checkpointEvery, directory, config,
                files, threads);
    }

    /** These options with {@code config} added to {@code config.json} (see {@link #config()}). */
    public RunOptions withConfig(Map<String, ?> config) {
        Map<String, Object> all = new LinkedHashMap<>(this.config);
        all.putAll(config);
        return new RunOptions(budget, batchSize, seed, evaluations, evaluateEvery, checkpointEvery, directory, all,
                files, threads);
    }

    /** These options writing a file {@code name} with {@code content} into the run directory when it is created. */
    public RunOptions withFile(String name, String content) {
        Map<String, String> all = new LinkedHashMap<>(files);
        all.put(name, content);
        return new RunOptions(budget, batchSize, seed, evaluations, evaluateEvery, checkpointEvery, directory, config,
                all, threads);
    }
}
