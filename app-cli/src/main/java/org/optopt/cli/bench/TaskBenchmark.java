package org.optopt.cli.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * Times training steps of a task and, in the same run, the roofline of such a step.
 *
 * <p>The step's FLOP count is derived from its parameter matrices (stored {@code n_out x n_in}, as
 * {@code nn.Linear} does, first layer first): a dense layer costs {@code 2 n_in n_out} per example forward and the same for its
 * weight gradient, plus the same again for the input gradient except for the first layer
 * (784-128-10: 409,088 FLOP per example). The roofline is the best GFLOP/s of
 * {@link Backend#gemmInPlace} on the largest product of the step ({@code batch x n_in} by
 * {@code n_in x n_out}), divided by that count.
 */
final class TaskBenchmark {
    /** Everything measured. */
    record Result(String task, String backend, double stepMillis, double examplesPerSecond, double matmulGflops,
            long flopPerExample, double rooflineExamplesPerSecond) {}

    private final Backend backend;
    private final OptimizerProvider adam;

    TaskBenchmark(Backend backend, OptimizerProvider adam) {
        this.backend = backend;
        this.adam = adam;
    }

    Result run(Task task, DataSource data, int batchSize, int steps) throws IOException {
        try (TrainingProblem problem = task.instantiate(backend, data, 0, batchSize)) {
            List<int[]> layers = new ArrayList<>();
            for (Parameter p : problem.parameters().parameters()) {
                if (p.value().shape().rank() == 2) {
                    layers.add(p.value().shape().dims());
                }
            }
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("Task " + task.name() + " has no weight matrices; bench task measures"
                        + " dense networks such as mnist-mlp");
            }
            Optimizer optimizer = adam.create(backend, problem.parameters(), Map.of());
            Runnable step = () -> {
                problem.lossAndGradient();
                optimizer.step();
            };
            for (int i = 0; i < Math.max(30, steps / 5); i++) {
                problem.nextBatch();
                step.run();
            }
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                problem.nextBatch();
                long t0 = System.nanoTime();
                step.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            java.util.Arrays.sort(ms);
            double median = ms[steps / 2];
            long flop = flopPerExample(layers);
            double gflops = bestGemmGflops(batchSize, layers);
            return new Result(task.name(), backend.name(), median, batchSize / (median / 1e3), gflops, flop,
                    gflops * 1e9 / flop);
        }
    }

    /** Dense-layer FLOP per example for forward, weight gradient and input gradient (not of the first layer). */
    static long flopPerExample(List<int[]> layers) {
        long flop = 0;
        for (int i = 0; i < layers.size(); i++) {
            long mac = (long) layers.get(i)[0] * layers.get(i)[1];
            flop += 2 * mac * (i == 0 ? 2 : 3);
        }
        return flop;
    }

    private double bestGemmGflops(int batch, List<int[]> layers) {
        int[] largest = layers.stream().max(java.util.Comparator.comparingLong(d -> (long) d[0] * d[1])).orElseThrow();
        int in = largest[1];
        int outDim = largest[0];
        try (Tensor x = backend.randomUniform(Shape.matrix(batch, in), -1, 1, 1);
                Tensor w = backend.randomUniform(Shape.matrix(in, outDim), -1, 1, 2);
                Tensor y = backend.zeros(Shape.matrix(batch, outDim))) {
            Timing t = Timing.of(() -> backend.gemmInPlace(1f, x, false, w, false, 0f, y), 50, 200);
            return 2.0 * batch * in * outDim / (t.minMillis() * 1e6);
        }
    }
}
