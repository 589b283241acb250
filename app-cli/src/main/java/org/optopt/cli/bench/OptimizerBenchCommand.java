package org.optopt.cli.bench;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseOptimizer;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.tasks.training.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code optopt bench optimizers}: times a full {@code step()} of every elementwise optimizer (with
 * its defaults) over {@code --size} parameters on the chosen backend, beside a plain-Java bandwidth baseline (a += s*b)
 * over the same memory on as many threads as the backend's kernels use, measured in the same run. Bytes moved per
 * parameter are the kernel's ({@link StreamTraffic}, as {@code bench kernel} counts them) plus the gradient read of
 * the non-finite check, printed as {@code kernel+check}. Without {@code --size}, at a cache-resident size and one
 * well beyond the last-level cache ({@link MemoryLevel}), each labelled with the limit it measures.
 */
@Command(name = "optimizers", mixinStandardHelpOptions = true,
        description = "Time one step of every elementwise optimizer against a bandwidth baseline.")
final class OptimizerBenchCommand implements Runnable {
    private final Supplier<Backend> backend;

    @Spec
    private CommandSpec spec;

    @Option(names = "--size", description = "Parameters per step (default: one cache-resident size and one well beyond "
            + "the last-level cache).")
    private Integer size;

    @Mixin
    private Repetitions repetitions;

    @Inject
    OptimizerBenchCommand(Supplier<Backend> backend) {
        this.backend = backend;
    }

    /** One optimizer's measurement. */
    record Row(String optimizer, int kernelBytesPerParameter, long footprintBytes, Timing step, Timing baseline,
            double baselineBytes) {
        int bytesPerParameter() {
            return kernelBytesPerParameter + StreamTraffic.NON_FINITE_CHECK_BYTES;
        }

        double gbps(int size) {
            return step.gigabytesPerSecond((double) bytesPerParameter() * size);
        }

        double fractionOfBaseline(int size) {
            return gbps(size) / baseline.gigabytesPerSecond(baselineBytes);
        }
    }

    @Override
    public void run() {
        if (size != null && size < 1) {
            throw new IllegalArgumentException("--size must be at least 1, got " + size);
        }
        Backend b = backend.get();
        List<ElementwiseDefinition> definitions = Optimizers.discover().providers().stream()
                .filter(ElementwiseDefinition.class::isInstance).map(ElementwiseDefinition.class::cast).toList();
        MemoryLevel memory = MemoryLevel.detect();
        int footprint = definitions.stream().mapToInt(d -> StreamTraffic.footprintBytes(d.rule(d.resolve(Map.of()).choices()).kernel())).max()
                .orElse(Float.BYTES);
        for (int n : size != null ? List.of(size) : memory.defaultSizes(footprint)) {
            List<Row> rows = definitions.stream().map(d -> measure(b, d, n)).toList();
            print(spec.commandLine().getOut(), b, n, rows, memory);
        }
    }

    private void print(PrintWriter out, Backend b, int n, List<Row> rows, MemoryLevel memory) {
        if (repetitions.json) {
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("optimizer", r.optimizer());
                m.put("backend", b.name());
                m.put("threads", b.kernelThreads());
                m.put("size", n);
                m.put("llc_bytes", memory.lastLevelCacheBytes());
                m.put("footprint_bytes", r.footprintBytes());
                m.put("regime", memory.regime(r.footprintBytes()));
                m.put("ms_per_step", r.step().medianMillis());
                m.put("kernel_bytes_per_parameter", r.kernelBytesPerParameter());
                m.put("check_bytes_per_parameter", StreamTraffic.NON_FINITE_CHECK_BYTES);
                m.put("bytes_per_parameter", r.bytesPerParameter());
                m.put("gbps", r.gbps(n));
                m.put("baseline_gbps", r.baseline().gigabytesPerSecond(r.baselineBytes()));
                m.put("fraction_of_baseline", r.fractionOfBaseline(n));
                out.println(Json.object(m));
            }
            return;
        }
        out.printf("%,d parameters per step, backend %s, %d kernel thread(s), median of %d steps; %s%n", n, b.name(),
                b.kernelThreads(), repetitions.runs, memory.describe());
        int width = rows.stream().mapToInt(r -> r.optimizer().length()).max().orElse(0);
        String name = "%-" + Math.max(9, width) + "s";
        out.printf(name + " %10s %11s %8s %13s %9s  %s%n", "OPTIMIZER", "MS/STEP", "BYTES/PARAM", "GB/S", "BASE GB/S",
                "FRACTION", "FOOTPRINT");
        for (Row r : rows) {
            out.printf(name + " %10.3f %11s %8.2f %13.2f %9.2f  %d MiB, %s%s%n", r.optimizer(), r.step().medianMillis(),
                    r.kernelBytesPerParameter() + "+" + StreamTraffic.NON_FINITE_CHECK_BYTES, r.gbps(n),
                    r.baseline().gigabytesPerSecond(r.baselineBytes()), r.fractionOfBaseline(n), r.footprintBytes() >> 20,
                    memory.regime(r.footprintBytes()), StreamTraffic.aboveBaselineNote(r.fractionOfBaseline(n)));
        }
        out.println("BYTES/PARAM: the kernel's reads and writes (as 'bench kernel' counts them; with the reduction passes "
                + "of a rule that has them, e.g. to-diag) + the non-finite check's gradient read");
    }

    private Row measure(Backend b, ElementwiseDefinition definition, int size) {
        Shape shape = Shape.vector(size);
        // Small values keep every default configuration stable over the timed steps: the Trainable
        // Optimizer's estimator step (to-rank1) diverges once gamma_a (1 + ||p||^2) exceeds about 2.
        try (Tensor value = b.randomUniform(shape, -1e-4, 1e-4, 1);
             Tensor gradient = b.randomUniform(shape, -1e-3, 1e-3, 2);
             ElementwiseOptimizer opt = definition.create(b, ParameterSet.of(List.of(new Parameter("p", value, gradient))),
                     Map.of())) {
            ElementwiseRule rule = opt.rule();
            Timing step = Timing.of(opt::step, repetitions.warmup, repetitions.runs);
            long footprint = (long) StreamTraffic.footprintBytes(rule.kernel()) * size;
            try (BandwidthBaseline bandwidth = new BandwidthBaseline(footprint, b.kernelThreads())) {
                Timing baseline = Timing.of(bandwidth, repetitions.warmup, repetitions.runs);
                return new Row(definition.name(), StreamTraffic.ruleBytes(rule), footprint, step, baseline,
                        bandwidth.bytesPerRun());
            }
        }
    }
}
