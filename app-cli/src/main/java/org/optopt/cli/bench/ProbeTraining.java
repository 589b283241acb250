package org.optopt.cli.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.optimizers.probe.Probes;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * The cost of each probe as a training run pays it: whole training steps (batch, forward, backward,
 * Adam) of twin instances of a task, one trained by plain Adam and one per probe by Adam with that
 * probe attached as {@code optopt run --probes} attaches it (a {@link ProbedOptimizer} observing
 * separately, its statistics read every {@value #TRACE_EVERY} steps as {@code --probe-every}'s
 * default writes them), the twins taking turns in blocks of at least {@value #BLOCK} steps (a
 * whole number of sampling periods).
 *
 * <p>Why twins in blocks, besides the per-probe medians of {@link ProbeBenchmark}: there every step
 * runs every probe and every fused variant, each over buffers of its own (about 10 MB of state for
 * mnist-mlp), so each probe finds its buffers evicted from the cache by the others, which a run
 * with one probe attached does not do to it. Within a block here only one twin's buffers are in use,
 * as in a run. The twins start from the same seed and follow the same trajectory (probes do not
 * change the numbers), so each step does the same work in every twin.
 *
 * <p>The cost of a probe is the median over the rounds (one block of every twin) of the ratio of its
 * twin's mean step to the plain twin's mean step in the same round, minus one: a block's mean counts
 * the steps a sampling probe observes as often as a run has them (a median would drop them), pairing
 * within a round cancels the machine's drifts in load, and the median over rounds drops a round that
 * a pause of the machine hit. Every twin pays the first, colder steps of its blocks alike.
 */
final class ProbeTraining {
    /** The fewest steps each twin runs in a turn. */
    static final int BLOCK = 25;
    /** Steps between reads of the statistics (the default of {@code optopt run --probe-every}). */
    static final int TRACE_EVERY = 10;

    /**
     * A probe's cost in training.
     *
     * @param probe the probe's name
     * @param millis the median over the rounds of the mean training step with the probe attached
     * @param plainMillis the same of plain Adam
     * @param cost the median over the rounds of the ratio of the two, minus one
     */
    record Cost(String probe, double millis, double plainMillis, double cost) {}

    private final Backend backend;
    private final OptimizerProvider adam;

    ProbeTraining(Backend backend, OptimizerProvider adam) {
        this.backend = backend;
        this.adam = adam;
    }

    /**
     * About {@code steps} timed steps per twin (whole blocks) after a fifth as many, at least two
     * blocks, of warm-up; the probes observe bursts of {@code burst} steps every {@code period} steps.
     */
    List<Cost> run(Task task, DataSource data, int batchSize, int steps, List<String> probeNames, int lagBlock,
            int period, int burst) throws IOException {
        List<Twin> twins = new ArrayList<>();
        try {
            for (int t = 0; t <= probeNames.size(); t++) {
                TrainingProblem problem = task.instantiate(backend, data, 0, batchSize);
                Optimizer optimizer = null;
                try {
                    optimizer = adam.create(backend, problem.parameters(), Map.of());
                    if (t > 0) {
                        optimizer = new ProbedOptimizer(optimizer, Probes.create(List.of(probeNames.get(t - 1)), backend,
                                problem.parameters(), lagBlock), TRACE_EVERY, period, burst);
                    }
                } finally {
                    twins.add(new Twin(problem, optimizer));
                }
            }
            int block = blockSteps(period);
            int rounds = Math.max(1, (steps + block - 1) / block);
            int warmup = Math.max(2, rounds / 5);
            double[][] means = new double[twins.size()][rounds];
            for (int r = -warmup; r < rounds; r++) {
                for (int t = 0; t < twins.size(); t++) {
                    double mean = twins.get(t).block(block);
                    if (r >= 0) {
                        means[t][r] = mean;
                    }
                }
            }
            List<Cost> costs = new ArrayList<>();
            for (int p = 0; p < probeNames.size(); p++) {
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratios[r] = means[p + 1][r] / means[0][r];
                }
                costs.add(new Cost(probeNames.get(p), median(means[p + 1]), median(means[0]), median(ratios) - 1));
            }
            return costs;
        } finally {
            twins.forEach(Twin::close);
        }
    }

    /** Steps per turn: the fewest whole sampling periods of at least {@link #BLOCK} steps. */
    static int blockSteps(int period) {
        return (BLOCK + period - 1) / period * period;
    }

    /** A task instance and its optimizer (null if its creation failed), with its step count. */
    private static final class Twin {
        private final TrainingProblem problem;
        private final Optimizer optimizer;
        private long steps;

        Twin(TrainingProblem problem, Optimizer optimizer) {
            this.problem = problem;
            this.optimizer = optimizer;
        }

        /** Runs {@code count} training steps and returns their mean time in milliseconds. */
        double block(int count) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                problem.nextBatch();
                problem.lossAndGradient();
                optimizer.step();
                if (++steps % TRACE_EVERY == 0) {
                    optimizer.trace();
                }
            }
            return (System.nanoTime() - start) / 1e6 / count;
        }

        void close() {
            try (problem) {
                if (optimizer != null) {
                    optimizer.close();
                }
            }
        }
    }

    private static double median(double[] xs) {
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
