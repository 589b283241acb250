package org.optopt.cli.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.nn.Flops;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * Times training steps of a task and, in the same run, the roofline of such a step.
 *
 * <p>The step's FLOP count is the task's {@link Flops} model (every layer's forward and backward
 * products, pooling comparisons, LSTM gate work, embedding scatters). The roofline is the best
 * GFLOP/s of {@link Backend#gemmInPlace} on the largest product of the model's dominant layer at
 * the benchmarked batch size, divided by that count: the step's speed if every FLOP ran at the
 * rate of its largest matrix product.
 *
 * <p>On {@code threads > 1} the step is data parallel ({@link TrainingProblem#setThreads}) and the
 * roofline's rate is that of {@code threads} such products run at once, one per thread, each over
 * one shard's rows: the rate the shards' products can reach together on this machine now.
 */
final class TaskBenchmark {
    /** Everything measured. */
    record Result(String task, String backend, int threads, int batchSize, StepTimes steps, double cpuMillisPerStep,
            double examplesPerSecond, double matmulGflops, Flops flops, double rooflineExamplesPerSecond) {
        /** The median step, in milliseconds. */
        double stepMillis() {
            return steps.medianMillis();
        }

        /** Training steps per second. */
        double stepsPerSecond() {
            return 1e3 / stepMillis();
        }

        /** FLOP per example of forward and backward passes. */
        long flopPerExample() {
            return flops.total();
        }
    }

    /** Products per thread in one timed run of the concurrent roofline. */
    private static final int CONCURRENT_REPEATS = 20;

    private final Backend backend;
    private final OptimizerProvider adam;

    TaskBenchmark(Backend backend, OptimizerProvider adam) {
        this.backend = backend;
        this.adam = adam;
    }

    /** Times {@code steps} steps of {@code task} whose loss and gradient run on {@code threads} threads. */
    Result run(Task task, DataSource data, int batchSize, int steps, int threads) throws IOException {
        try (TrainingProblem problem = task.instantiate(backend, data, 0, batchSize)) {
            int used = problem.setThreads(threads);
            Flops flops = problem.flops();
            Flops.Layer dominant = flops.dominant().orElseThrow(() -> new IllegalArgumentException("Task "
                    + task.name() + " has no FLOP model; bench task measures network tasks (dense, conv, LSTM)"));
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
            long cpu0 = processCpuNanos();
            for (int i = 0; i < steps; i++) {
                problem.nextBatch();
                long t0 = System.nanoTime();
                step.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double cpuPerStep = (processCpuNanos() - cpu0) / 1e6 / steps;
            StepTimes times = StepTimes.of(ms);
            double median = times.medianMillis();
            double gflops = bestGemmGflops(Math.max(1, batchSize / used) * dominant.rows(), dominant.depth(),
                    dominant.columns(), used);
            return new Result(task.name(), backend.name(), used, batchSize, times, cpuPerStep, batchSize / (median / 1e3),
                    gflops, flops, gflops * 1e9 / flops.total());
        }
    }

    /**
     * CPU time of this process (all its threads), which on a loaded machine measures the work of a
     * step better than the wall clock.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * The best rate of {@code threads} products {@code [rows, depth] x [depth, columns]} run at once,
     * one per thread, over 200 runs after 50 warm-up runs; on several threads each run makes
     * {@value #CONCURRENT_REPEATS} products per thread, so that handing them to the threads (tens of
     * microseconds on a VM, as long as a small network's product) does not count as product time.
     */
    private double bestGemmGflops(int rows, int depth, int columns, int threads) {
        List<Tensor> tensors = new ArrayList<>();
        List<Runnable> products = new ArrayList<>();
        ExecutorService helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "optopt-bench-gemm");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int k = 0; k < threads; k++) {
                Tensor x = keep(tensors, backend.randomUniform(Shape.matrix(rows, depth), -1, 1, 1 + 2L * k));
                Tensor w = keep(tensors, backend.randomUniform(Shape.matrix(depth, columns), -1, 1, 2 + 2L * k));
                Tensor y = keep(tensors, backend.zeros(Shape.matrix(rows, columns)));
                products.add(() -> backend.gemmInPlace(1f, x, false, w, false, 0f, y));
            }
            int repeats = threads == 1 ? 1 : CONCURRENT_REPEATS;
            Timing t = Timing.of(() -> {
                List<CompletableFuture<Void>> others = new ArrayList<>();
                for (Runnable p : products.subList(1, threads)) {
                    others.add(CompletableFuture.runAsync(() -> repeat(p, repeats), helpers));
                }
                repeat(products.get(0), repeats);
                others.forEach(CompletableFuture::join);
            }, 50, 200);
            return threads * repeats * 2.0 * rows * depth * columns / (t.minMillis() * 1e6);
        } finally {
            if (helpers != null) {
                helpers.shutdownNow();
            }
            tensors.forEach(Tensor::close);
        }
    }

    private static void repeat(Runnable r, int times) {
        for (int i = 0; i < times; i++) {
            r.run();
        }
    }

    private static Tensor keep(List<Tensor> tensors, Tensor t) {
        tensors.add(t);
        return t;
    }
}
