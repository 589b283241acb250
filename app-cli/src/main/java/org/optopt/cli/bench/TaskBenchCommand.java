package org.optopt.cli.bench;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.session.BackendChoice;
import org.optopt.tasks.data.DataResolver;
import org.optopt.tasks.nn.Flops;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.training.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code optopt bench task}: training throughput of a task (forward, backward and an Adam step per
 * mini-batch of the task's own batch size, data already in memory) beside the roofline of that step:
 * the best rate the backend's matrix product reaches on the step's largest product, applied to the
 * task's FLOP model ({@link org.optopt.tasks.nn.Flops}). {@code --threads N} computes each step's
 * loss and gradient data parallel on N threads ({@link org.optopt.tasks.suite.TrainingProblem#setThreads}),
 * each shard's products on one OpenBLAS thread (the nd4j backend's default). The backend's own
 * threads stay its options: {@code --backend-option kernel-threads=N} for the optimizer's step over
 * large tensors (nd4j's default: all processors), {@code --backend-option threads=N} for OpenBLAS's
 * threading, the alternative that data parallelism replaced (see {@code docs/performance.md}).
 */
@Command(name = "task", mixinStandardHelpOptions = true,
        description = "Training throughput (examples/s) of a task against the matmul roofline of its step.")
final class TaskBenchCommand implements Runnable {
    private final Supplier<Backend> backend;
    private final BackendChoice choice;
    private final TaskRegistry tasks;
    private final Optimizers optimizers;

    @Spec
    private CommandSpec spec;

    @Option(names = "--task", defaultValue = "mnist-mlp", description = "Task (default: ${DEFAULT-VALUE}).")
    private String taskName;

    @Option(names = "--batch-size", description = "Examples per step (default: the task's batch size).")
    private Integer batchSize;

    @Option(names = "--threads", defaultValue = "1", description = "Threads per step: the batch split into N"
            + " data-parallel shards (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--steps", defaultValue = "2000",
            description = "Timed steps, after max(30, steps/5) warm-up steps; the JIT keeps improving for hundreds of"
                    + " steps (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Inject
    TaskBenchCommand(Supplier<Backend> backend, BackendChoice choice, TaskRegistry tasks, Optimizers optimizers) {
        this.backend = backend;
        this.choice = choice;
        this.tasks = tasks;
        this.optimizers = optimizers;
    }

    @Override
    public void run() {
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
        }
        var task = tasks.get(taskName);
        int batch = batchSize == null ? task.defaultBatchSize() : batchSize;
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("--steps and --batch-size must be at least 1");
        }
        String shared = System.getProperty("optopt.shared");
        var data = ResolverDataSource.of(DataResolver.dataDirectory(null, System.getenv(), System.getProperty("user.home")),
                shared == null ? null : Path.of(shared), true);
        TaskBenchmark.Result r;
        try {
            r = new TaskBenchmark(backend.get(), optimizers.provider("adam")).run(task, data, batch, steps, threads);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        String blasThreads = choice.options().getOrDefault("threads", "default");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", r.task());
            m.put("backend", r.backend());
            m.put("threads", r.threads());
            m.put("blas_threads", blasThreads);
            m.put("kernel_threads", backend.get().kernelThreads());
            m.put("batch_size", r.batchSize());
            m.put("step_ms", r.stepMillis());
            m.put("mean_step_ms", r.steps().meanMillis());
            m.put("p90_step_ms", r.steps().p90Millis());
            m.put("steps_per_s", r.stepsPerSecond());
            m.put("cpu_ms_per_step", r.cpuMillisPerStep());
            m.put("examples_per_s", r.examplesPerSecond());
            m.put("matmul_gflops", r.matmulGflops());
            m.put("flop_per_example", r.flopPerExample());
            m.put("forward_flop_per_example", r.flops().forward());
            m.put("backward_flop_per_example", r.flops().backward());
            m.put("roofline_examples_per_s", r.rooflineExamplesPerSecond());
            m.put("fraction_of_roofline", r.examplesPerSecond() / r.rooflineExamplesPerSecond());
            out.println(Json.object(m));
            return;
        }
        out.printf(Locale.ROOT, "task %s, batch %d, backend %s, threads %d (OpenBLAS threads %s, kernel threads %d)%n",
                r.task(), r.batchSize(), r.backend(), r.threads(), blasThreads, backend.get().kernelThreads());
        out.printf(Locale.ROOT, "  forward+backward+adam  %8.3f ms/step  %8.2f steps/s  %,10.0f examples/s"
                + "  (median; mean %.3f, p90 %.3f ms; process CPU %.3f ms/step)%n", r.stepMillis(), r.stepsPerSecond(),
                r.examplesPerSecond(), r.steps().meanMillis(), r.steps().p90Millis(), r.cpuMillisPerStep());
        for (Flops.Layer l : r.flops().layers()) {
            out.printf(Locale.ROOT, "    %-10s %-9s %,14d FLOP/example forward %,14d backward%n", l.name(), l.kind(),
                    l.forward(), l.backward());
        }
        out.printf(Locale.ROOT, "  roofline               %8.1f GFLOP/s  %,10.0f examples/s (%,d FLOP/example)%n",
                r.matmulGflops(), r.rooflineExamplesPerSecond(), r.flopPerExample());
        out.printf(Locale.ROOT, "fraction of roofline: %.2f%n", r.examplesPerSecond() / r.rooflineExamplesPerSecond());
    }
}
