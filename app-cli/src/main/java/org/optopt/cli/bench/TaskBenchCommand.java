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
import picocli.CommandLine.Spec;

/**
 * {@code optopt bench task}: training throughput of a task (forward, backward and an Adam step per
 * mini-batch of the task's own batch size, data already in memory) beside the roofline of that step:
 * the best rate the backend's matrix product reaches on the step's largest product, applied to the
 * task's FLOP model ({@link org.optopt.tasks.nn.Flops}). {@code --threads N} sets both the
 * backend's matrix-product threads and its kernel threads.
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

    @Option(names = "--threads", description = "Backend threads for matrix products and kernels (same as"
            + " --backend-option threads=N --backend-option kernel-threads=N).")
    private Integer threads;

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
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            choice.putOption("threads", Integer.toString(threads));
            choice.putOption("kernel-threads", Integer.toString(threads));
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
            r = new TaskBenchmark(backend.get(), optimizers.provider("adam")).run(task, data, batch, steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        String threadCount = choice.options().getOrDefault("threads", "default");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", r.task());
            m.put("backend", r.backend());
            m.put("threads", threadCount);
            m.put("batch_size", r.batchSize());
            m.put("step_ms", r.stepMillis());
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
        out.printf(Locale.ROOT, "task %s, batch %d, backend %s, threads %s%n", r.task(), r.batchSize(), r.backend(),
                threadCount);
        out.printf(Locale.ROOT, "  forward+backward+adam  %8.3f ms/step  %8.2f steps/s  %,10.0f examples/s"
                + "  (process CPU %.3f ms/step)%n", r.stepMillis(), r.stepsPerSecond(), r.examplesPerSecond(),
                r.cpuMillisPerStep());
        for (Flops.Layer l : r.flops().layers()) {
            out.printf(Locale.ROOT, "    %-10s %-9s %,14d FLOP/example forward %,14d backward%n", l.name(), l.kind(),
                    l.forward(), l.backward());
        }
        out.printf(Locale.ROOT, "  roofline               %8.1f GFLOP/s  %,10.0f examples/s (%,d FLOP/example)%n",
                r.matmulGflops(), r.rooflineExamplesPerSecond(), r.flopPerExample());
        out.printf(Locale.ROOT, "fraction of roofline: %.2f%n", r.examplesPerSecond() / r.rooflineExamplesPerSecond());
    }
}
