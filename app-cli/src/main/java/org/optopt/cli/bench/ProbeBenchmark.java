package org.optopt.cli.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.probe.Probe;
import org.optopt.optimizers.probe.Probes;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * Times each probe's observation against the Adam step it accompanies, in the same run on the same
 * gradients: every timed step draws a batch, computes loss and gradients (timed), lets each probe
 * observe them (each timed), then steps Adam (timed). Medians over the timed steps.
 */
final class ProbeBenchmark {
    /** A probe's median cost. */
    record ProbeTime(String probe, double millis) {}

    /** Everything measured, in milliseconds (medians). */
    record Result(String task, String backend, double forwardBackwardMillis, double adamMillis, List<ProbeTime> probes) {}

    private final Backend backend;
    private final OptimizerProvider adam;

    ProbeBenchmark(Backend backend, OptimizerProvider adam) {
        this.backend = backend;
        this.adam = adam;
    }

    Result run(Task task, DataSource data, int batchSize, int steps, List<String> probeNames) throws IOException {
        try (TrainingProblem problem = task.instantiate(backend, data, 0, batchSize)) {
            List<Probe> probes = Probes.create(probeNames, backend, problem.parameters());
            try (Optimizer optimizer = adam.create(backend, problem.parameters(), Map.of())) {
                int warmup = Math.max(30, steps / 5);
                double[] fb = new double[steps];
                double[] step = new double[steps];
                double[][] observe = new double[probes.size()][steps];
                for (int i = -warmup; i < steps; i++) {
                    problem.nextBatch();
                    long t0 = System.nanoTime();
                    problem.lossAndGradient();
                    long t1 = System.nanoTime();
                    for (int p = 0; p < probes.size(); p++) {
                        long s = System.nanoTime();
                        probes.get(p).observe(problem.parameters());
                        if (i >= 0) {
                            observe[p][i] = (System.nanoTime() - s) / 1e6;
                        }
                    }
                    long t2 = System.nanoTime();
                    optimizer.step();
                    long t3 = System.nanoTime();
                    if (i >= 0) {
                        fb[i] = (t1 - t0) / 1e6;
                        step[i] = (t3 - t2) / 1e6;
                    }
                }
                List<ProbeTime> times = new ArrayList<>();
                for (int p = 0; p < probes.size(); p++) {
                    times.add(new ProbeTime(probes.get(p).name(), median(observe[p])));
                }
                return new Result(task.name(), backend.name(), median(fb), median(step), times);
            } finally {
                probes.forEach(Probe::close);
            }
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
