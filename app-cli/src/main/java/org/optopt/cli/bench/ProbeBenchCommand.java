package org.optopt.cli.bench;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.probe.Probes;
import org.optopt.tasks.data.DataResolver;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.training.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code optopt bench probes}: each statistic probe's cost per step against the Adam step and the
 * whole training step (forward, backward, Adam) of a task, measured in the same run; with
 * {@code --period P --burst B} also amortized over the sampling of {@code optopt run --probe-period}.
 * Besides each probe on its own: the fusible probes (second-moment, autocorrelation) together in
 * one pass over the gradients, and fused into Adam's own kernel (the extra time of that step). For
 * the rows that are one kernel pass, also their bandwidth bound: their bytes per parameter
 * ({@link StreamTraffic}) moved at the rate of the Adam step measured in the same run. Last, each
 * probe's cost as a run pays it ({@link ProbeTraining}): whole training steps with the probe attached
 * against plain Adam's, on twin instances of the task taking turns.
 */
@Command(name = "probes", mixinStandardHelpOptions = true,
        description = "Cost of each statistic probe per step against an Adam step and a training step, same run;"
                + " also the fusible probes in one pass and fused into Adam's kernel (bit-identity checked).")
final class ProbeBenchCommand implements Runnable {
    private final Supplier<Backend> backend;
    private final TaskRegistry tasks;
    private final Optimizers optimizers;

    @Spec
    private CommandSpec spec;

    @Option(names = "--task", defaultValue = "mnist-mlp", description = "Task (default: ${DEFAULT-VALUE}).")
    private String taskName;

    @Option(names = "--batch-size", defaultValue = "128", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--steps", defaultValue = "500", description = "Timed steps after max(30, steps/5) warm-up steps"
            + " (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--probes", split = ",", description = "Probes to time (default: all).")
    private List<String> probes = Probes.NAMES;

    @Option(names = "--period", defaultValue = "1", paramLabel = "P",
            description = "Also report the cost amortized over sampling: bursts of --burst steps every P steps (default: ${DEFAULT-VALUE}).")
    private int period;

    @Option(names = "--burst", defaultValue = "1", paramLabel = "B", description = "Steps per burst (default: ${DEFAULT-VALUE}).")
    private int burst;

    @Option(names = "--lag-block", defaultValue = "1", paramLabel = "B",
            description = "Observations whose lag products the autocorrelation probe forms in one pass, copying the"
                    + " gradient at the others (default: ${DEFAULT-VALUE}, every observation).")
    private int lagBlock;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Inject
    ProbeBenchCommand(Supplier<Backend> backend, TaskRegistry tasks, Optimizers optimizers) {
        this.backend = backend;
        this.tasks = tasks;
        this.optimizers = optimizers;
    }

    @Override
    public void run() {
        if (steps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--steps and --batch-size must be at least 1");
        }
        if (burst < 1 || burst > period) {
            throw new IllegalArgumentException("--burst must be 1 to --period (" + period + "), got " + burst);
        }
        if (lagBlock < 1) {
            throw new ParameterException(spec.commandLine(), "--lag-block must be at least 1, got " + lagBlock);
        }
        double sampled = (double) burst / period;
        String shared = System.getProperty("optopt.shared");
        var data = ResolverDataSource.of(DataResolver.dataDirectory(null, System.getenv(), System.getProperty("user.home")),
                shared == null ? null : Path.of(shared), true);
        ProbeBenchmark.Result r;
        List<ProbeTraining.Cost> inTraining;
        try {
            r = new ProbeBenchmark(backend.get(), optimizers.provider("adam")).run(tasks.get(taskName), data, batchSize,
                    steps, probes, lagBlock);
            inTraining = new ProbeTraining(backend.get(), optimizers.provider("adam")).run(tasks.get(taskName), data,
                    batchSize, steps, probes, lagBlock, period, burst);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        double training = r.forwardBackwardMillis() + r.adamMillis();
        List<ProbeBenchmark.ProbeTime> rows = new ArrayList<>(r.probes());
        if (r.pass() != null) {
            rows.add(r.pass());
        }
        rows.addAll(r.fused());
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", r.task());
            m.put("backend", r.backend());
            m.put("forward_backward_ms", r.forwardBackwardMillis());
            m.put("adam_step_ms", r.adamMillis());
            m.put("period", period);
            m.put("burst", burst);
            m.put("lag_block", lagBlock);
            m.put("fused_bit_identical", r.identical());
            m.put("load_average", load);
            m.put("adam_bytes_per_parameter", r.adamBytes());
            for (ProbeBenchmark.ProbeTime p : rows) {
                String key = p.probe().replace(" (one pass)", "_one_pass").replace(" (fused into adam)", "_fused");
                m.put(key + "_ms", p.millis());
                m.put(key + "_per_adam_step", p.millis() / r.adamMillis());
                m.put(key + "_per_training_step", p.millis() / training);
                m.put(key + "_sampled_per_training_step", sampled * p.millis() / training);
                if (r.bytes().containsKey(p.probe())) {
                    m.put(key + "_bytes_per_parameter", r.bytes().get(p.probe()));
                    m.put(key + "_bound_ms", r.boundMillis(p.probe()));
                }
            }
            for (ProbeTraining.Cost c : inTraining) {
                m.put(c.probe() + "_in_training_step_ms", c.millis());
                m.put(c.probe() + "_in_training_plain_step_ms", c.plainMillis());
                m.put(c.probe() + "_in_training_cost", c.cost());
            }
            out.println(Json.object(m));
            return;
        }
        out.printf(Locale.ROOT, "%s on %s, batch %d, medians of %d steps (per kernel a probe ran, weighted):"
                + " forward+backward %.3f ms, Adam step %.3f ms (load average %.2f after the run, %d processors)%n", r.task(), r.backend(), batchSize, steps,
                r.forwardBackwardMillis(), r.adamMillis(), load, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-48s %10s %14s %18s %28s%n", "PROBE", "MS", "/ ADAM STEP", "/ TRAINING STEP",
                "SAMPLED " + burst + "/" + period + " / TRAINING STEP");
        for (ProbeBenchmark.ProbeTime p : rows) {
            out.printf(Locale.ROOT, "%-48s %10.4f %13.1f%% %17.1f%% %27.2f%%%n", p.probe(), p.millis(),
                    100 * p.millis() / r.adamMillis(), 100 * p.millis() / training, 100 * sampled * p.millis() / training);
        }
        if (r.adamBytes() > 0 && !r.bytes().isEmpty()) {
            out.printf(Locale.ROOT, "bandwidth bound: the time at the rate of this run's Adam step (%d bytes/parameter in"
                    + " %.3f ms):%n", r.adamBytes(), r.adamMillis());
            r.bytes().forEach((row, b) -> out.printf(Locale.ROOT, "  %-46s %5.1f bytes/parameter  %8.4f ms  %5.1f%% of the"
                    + " training step%n", row, b, r.boundMillis(row), 100 * r.boundMillis(row) / training));
        }
        if (!r.fused().isEmpty()) {
            out.printf(Locale.ROOT, "fused: the extra time of Adam's step with the probes in its kernel (the same median of"
                    + " per-step differences); parameters bit-identical to the unfused Adam's: %s%n", r.identical() ? "yes" : "NO");
        }
        out.printf(Locale.ROOT, "in training: twin instances of the task, plain Adam and Adam with one probe attached as"
                + " 'optopt run --probes' attaches it (sampled %d/%d), taking turns in blocks of %d steps; cost = the median"
                + " over rounds of the ratio of the blocks' mean steps, minus one:%n", burst, period,
                ProbeTraining.blockSteps(period));
        out.printf(Locale.ROOT, "%-48s %10s %14s %18s%n", "PROBE", "STEP MS", "PLAIN ADAM MS", "COST / TRAINING STEP");
        for (ProbeTraining.Cost c : inTraining) {
            out.printf(Locale.ROOT, "%-48s %10.4f %14.4f %17.1f%%%n", c.probe(), c.millis(), c.plainMillis(), 100 * c.cost());
        }
    }
}
