package org.optopt.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.bench.IncumbentProvider;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * Times a compiled kernel over {@code size} elements, a bandwidth baseline over the same memory footprint on
 * as many threads as the backend's kernels use, and the incumbent for the same kernel name that a benchmark
 * peer of the backend provides ({@link IncumbentProvider}), all in one run.
 */
final class KernelBenchmark {
    /** Timing of the backend's native implementation. */
    record IncumbentResult(String description, Timing timing) {}

    /** Everything measured, with the derived rates. */
    record Result(String kernel, int size, String backend, int threads, int bytesPerParameter, long footprintBytes,
            Timing kernelTiming, Timing baselineTiming, double baselineBytes, Optional<IncumbentResult> incumbent) {
        double gbps() {
            return kernelTiming.gigabytesPerSecond((double) bytesPerParameter * size);
        }

        double baselineGbps() {
            return baselineTiming.gigabytesPerSecond(baselineBytes);
        }

        double ratioToBaseline() {
            return gbps() / baselineGbps();
        }

        Optional<Double> speedupVsIncumbent() {
            return incumbent.map(i -> i.timing().medianMillis() / kernelTiming.medianMillis());
        }
    }

    private final Backend backend;
    private final Kernel kernel;
    private final Map<String, Double> scalars;
    private final int size;
    private final int warmup;
    private final int runs;

    /** Times {@code kernel} with its scalars bound to {@code scalars}. */
    KernelBenchmark(Backend backend, Kernel kernel, Map<String, Double> scalars, int size, int warmup, int runs) {
        this.backend = backend;
        this.kernel = kernel;
        this.scalars = Map.copyOf(scalars);
        this.size = size;
        this.warmup = warmup;
        this.runs = runs;
    }

    /**
     * The kernel of elementwise optimizer {@code name} with default options, its scalars bound to
     * the hyperparameters' defaults, the step count to 10 and scalar state to its initial values. The
     * results of a rule's reduction passes are bound to 1 and the passes are not timed: this is the
     * update kernel alone ({@code bench optimizers} times whole steps).
     *
     * @throws IllegalArgumentException if the optimizer is unknown or not elementwise
     */
    static KernelBenchmark ofOptimizer(Optimizers registry, String name, Backend backend, int size, int warmup, int runs) {
        if (!registry.provider(name).capabilities().elementwise()) {
            throw new IllegalArgumentException("Optimizer " + name + " is not elementwise: it has no single kernel to time");
        }
        ElementwiseDefinition definition = (ElementwiseDefinition) registry.provider(name);
        ElementwiseRule rule = definition.rule(Map.of());
        Map<String, Double> values = new LinkedHashMap<>();
        definition.hyperparameters().forEach(h -> values.put(h.name(), h.defaultValue()));
        rule.scalarStates().forEach(s -> values.put(s.name(), s.initial()));
        rule.passResults().forEach(r -> values.put(r, 1.0));
        values.put(ElementwiseRule.STEP, 10.0);
        values.keySet().retainAll(rule.kernel().scalars());
        return new KernelBenchmark(backend, rule.kernel(), values, size, warmup, runs);
    }

    /** The kernel timed. */
    Kernel kernel() {
        return kernel;
    }

    /** Runs the measurements; {@code peers} are searched for an incumbent of this backend and kernel. */
    Result run(List<IncumbentProvider> peers) {
        CompiledKernel compiled = backend.compile(kernel);
        KernelArgs args = compiled.args();
        List<Tensor> tensors = new ArrayList<>();
        long seed = 1;
        for (String b : kernel.buffers()) {
            Tensor t = backend.randomUniform(Shape.vector(size), 0.1, 1.0, seed++);
            tensors.add(t);
            args.buffer(b, t);
        }
        for (Map.Entry<String, Double> s : scalars.entrySet()) {
            args.scalar(s.getKey(), s.getValue());
        }
        Timing kernelTiming = Timing.of(() -> compiled.run(args), warmup, runs);
        tensors.forEach(Tensor::close);

        long footprint = (long) StreamTraffic.footprintBytes(kernel) * size;
        Timing baseline;
        double baselineBytes;
        try (BandwidthBaseline bandwidth = new BandwidthBaseline(footprint, backend.kernelThreads())) {
            baseline = Timing.of(bandwidth, warmup, runs);
            baselineBytes = bandwidth.bytesPerRun();
        }

        Optional<IncumbentResult> incumbent = peers.stream()
                .filter(p -> p.backend().equals(backend.name()))
                .flatMap(p -> p.incumbent(kernel.name(), size, backend.kernelThreads()).stream())
                .findFirst()
                .map(inc -> {
                    try (inc) {
                        return new IncumbentResult(inc.description(), Timing.of(inc::step, Math.max(2, warmup / 2),
                                Math.max(3, runs / 2)));
                    }
                });
        return new Result(kernel.name(), size, backend.name(), backend.kernelThreads(), StreamTraffic.kernelBytes(kernel),
                footprint, kernelTiming, baseline, baselineBytes, incumbent);
    }
}
