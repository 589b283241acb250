package org.optopt.cli.bench;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.cli.report.Json;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseOptimizer;
import org.optopt.optimizers.ElementwiseRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code optopt bench optimizers}: times a full {@code step()} of every elementwise optimizer (with
 * its defaults) over {@code --size} parameters on the chosen backend, beside a plain-Java bandwidth baseline (a += s*b)
 * over the same memory on as many threads as the backend's kernels use, measured in the same run. Bytes moved per parameter count one float read
 * per kernel buffer, one write per stored buffer, and the gradient read of the non-finite check.
 */
@Command(name = "optimizers", mixinStandardHelpOptions = true,
        description = "Time one step of every elementwise optimizer against a bandwidth baseline.")
final class OptimizerBenchCommand implements Runnable {
    private final Supplier<Backend> backend;

    @Spec
    private CommandSpec spec;

    @Option(names = "--size", defaultValue = "1000000", description = "Parameters per step (default: ${DEFAULT-VALUE}).")
    private int size;

    @Mixin
    private Repetitions repetitions;

    @Inject
    OptimizerBenchCommand(Supplier<Backend> backend) {
        this.backend = backend;
    }

    /** One optimizer's measurement. */
    record Row(String optimizer, int bytesPerParameter, Timing step, Timing baseline, double baselineBytes) {
        double gbps(int size) {
            return step.gigabytesPerSecond((double) bytesPerParameter * size);
        }

        double fractionOfBaseline(int size) {
            return gbps(size) / baseline.gigabytesPerSecond(baselineBytes);
        }
    }

    @Override
    public void run() {
        if (size < 1) {
            throw new IllegalArgumentException("--size must be at least 1, got " + size);
        }
        Backend b = backend.get();
        List<Row> rows = new ArrayList<>();
        for (OptimizerProvider p : Optimizers.discover().providers()) {
            if (p instanceof ElementwiseDefinition d) {
                rows.add(measure(b, d));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (repetitions.json) {
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("optimizer", r.optimizer());
                m.put("backend", b.name());
                m.put("threads", b.kernelThreads());
                m.put("size", size);
                m.put("ms_per_step", r.step().medianMillis());
                m.put("bytes_per_parameter", r.bytesPerParameter());
                m.put("gbps", r.gbps(size));
                m.put("baseline_gbps", r.baseline().gigabytesPerSecond(r.baselineBytes()));
                m.put("fraction_of_baseline", r.fractionOfBaseline(size));
                out.println(Json.object(m));
            }
            return;
        }
        out.printf("%,d parameters per step, backend %s, %d kernel thread(s), median of %d steps%n", size, b.name(),
                b.kernelThreads(), repetitions.runs);
        out.printf("%-9s %10s %11s %8s %13s %9s%n", "OPTIMIZER", "MS/STEP", "BYTES/PARAM", "GB/S", "BASE GB/S", "FRACTION");
        for (Row r : rows) {
            out.printf("%-9s %10.3f %11d %8.2f %13.2f %9.2f%n", r.optimizer(), r.step().medianMillis(),
                    r.bytesPerParameter(), r.gbps(size), r.baseline().gigabytesPerSecond(r.baselineBytes()),
                    r.fractionOfBaseline(size));
        }
    }

    private Row measure(Backend b, ElementwiseDefinition definition) {
        Shape shape = Shape.vector(size);
        try (Tensor value = b.randomUniform(shape, -1, 1, 1);
             Tensor gradient = b.randomUniform(shape, -1e-3, 1e-3, 2);
             ElementwiseOptimizer opt = definition.create(b, ParameterSet.of(List.of(new Parameter("p", value, gradient))),
                     Map.of())) {
            ElementwiseRule rule = opt.rule();
            int bytes = 4 * (rule.kernel().buffers().size() + rule.kernel().storedBuffers().size() + 1);
            Timing step = Timing.of(opt::step, repetitions.warmup, repetitions.runs);
            try (BandwidthBaseline bandwidth = new BandwidthBaseline(4L * size * rule.kernel().buffers().size(),
                    b.kernelThreads())) {
                Timing baseline = Timing.of(bandwidth, repetitions.warmup, repetitions.runs);
                return new Row(definition.name(), bytes, step, baseline, bandwidth.bytesPerRun());
            }
        }
    }
}
