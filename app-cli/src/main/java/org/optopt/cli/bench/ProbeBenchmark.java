package org.optopt.cli.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.FusibleProbe;
import org.optopt.api.probe.Probe;
import org.optopt.api.probe.ProbePass;
import org.optopt.api.probe.ProbedOptimizer;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.ElementwiseDefinition;
import org.optopt.optimizers.probe.Probes;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TrainingProblem;

/**
 * Times each probe's observation against the Adam step it accompanies, in the same run on the same
 * gradients: every timed step draws a batch, computes loss and gradients (timed), lets each probe
 * observe them on its own (each timed), then the fusible probes in one {@link ProbePass} (timed),
 * steps Adam (timed), and steps further Adams with fusible probes fused into their kernels
 * ({@link ProbedOptimizer} with fusion; each fusible probe alone, and all of them together; each
 * timed). Each fused Adam steps its own copy of the values with the same gradient tensors, so it
 * follows the same trajectory: the run checks that every copy stays bit-identical. Each time is a
 * median over the timed steps, taken separately over the steps that ran the same kernels (a probe
 * may run a cheap kernel at most observations and a costly one at some, as the autocorrelation
 * probe's deferred lag products do) and weighted by how many steps ran each: the mean cost per
 * observation, without the outliers a plain mean takes in on a loaded machine, where a plain median
 * would report the cheap kernel only. A fused variant's overhead is the same median of the per-step
 * differences (fused step - Adam step), paired within each step to cancel the machine's drifts in
 * load. The bytes per parameter of a row that is one kernel pass are the mean over the timed steps
 * of those of the kernel each step ran.
 */
final class ProbeBenchmark {
    /** A probe's (or a combination's) median cost. */
    record ProbeTime(String probe, double millis) {}

    /**
     * Everything measured, in milliseconds (medians).
     *
     * @param pass the fusible probes in one pass on their own, or null if fewer than two are fusible
     * @param fused each fused variant's time over the Adam step alone, named {@code <probes> (fused into adam)}
     * @param identical whether every fused Adam's values stayed bit-identical to the plain one's
     * @param adamBytes bytes per parameter that Adam's step moves ({@link StreamTraffic}: its kernel and
     *     the non-finite check), or 0 if the provider is not elementwise
     * @param bytes mean bytes per parameter and observation of each row that is one kernel pass (the
     *     fusible probes on their own and the one pass), by row name
     */
    record Result(String task, String backend, double forwardBackwardMillis, double adamMillis, List<ProbeTime> probes,
                  ProbeTime pass, List<ProbeTime> fused, boolean identical, int adamBytes, Map<String, Double> bytes) {

        /**
         * The time a row would take moving its bytes at the rate Adam's step moved its own in this run
         * (a bandwidth bound measured in the same run), or NaN where either traffic is unknown.
         */
        double boundMillis(String row) {
            Double b = bytes.get(row);
            return b == null || adamBytes == 0 ? Double.NaN : adamMillis * b / adamBytes;
        }
    }

    /** A copy of the parameters' values sharing their gradients, stepped by Adam with fused probes. */
    private record Variant(String name, ParameterSet shadow, ProbedOptimizer optimizer, double[] over, int[] kernels) {}

    private final Backend backend;
    private final OptimizerProvider adam;

    ProbeBenchmark(Backend backend, OptimizerProvider adam) {
        this.backend = backend;
        this.adam = adam;
    }

    /** Times the probes {@code probeNames}, the autocorrelation probe in blocks of {@code lagBlock} observations. */
    Result run(Task task, DataSource data, int batchSize, int steps, List<String> probeNames, int lagBlock)
            throws IOException {
        try (TrainingProblem problem = task.instantiate(backend, data, 0, batchSize)) {
            ParameterSet parameters = problem.parameters();
            List<Probe> probes = Probes.create(probeNames, backend, parameters, lagBlock);
            List<String> fusible = names(fusible(probes));
            List<Probe> forPass = Probes.create(fusible, backend, parameters, lagBlock);
            ProbePass pass = fusible.size() < 2 ? null : new ProbePass("probes", fusible(forPass));
            List<CompiledKernel> passKernels = pass == null ? null : pass.fragments().stream().map(backend::compile).toList();
            List<List<String>> combinations = new ArrayList<>(fusible.stream().map(List::of).toList());
            if (fusible.size() > 1) {
                combinations.add(fusible);
            }
            List<Variant> variants = new ArrayList<>();
            try (Optimizer optimizer = adam.create(backend, parameters, Map.of())) {
                for (List<String> names : combinations) {
                    variants.add(variant(parameters, names, steps, lagBlock));
                }
                int warmup = Math.max(30, steps / 5);
                double[] fb = new double[steps];
                double[] step = new double[steps];
                double[] passed = new double[steps];
                double[][] observe = new double[probes.size()][steps];
                int[][] observeKernels = new int[probes.size()][steps];
                int[] passRan = new int[steps];
                double[] moved = new double[probes.size()];
                double passMoved = 0;
                for (int i = -warmup; i < steps; i++) {
                    problem.nextBatch();
                    long t0 = System.nanoTime();
                    problem.lossAndGradient();
                    long t1 = System.nanoTime();
                    for (int p = 0; p < probes.size(); p++) {
                        if (i >= 0 && probes.get(p) instanceof FusibleProbe f) {
                            moved[p] += StreamTraffic.kernelBytes(f.kernels().get(f.next()));
                            observeKernels[p][i] = f.next();
                        }
                        long s = System.nanoTime();
                        probes.get(p).observe(parameters);
                        if (i >= 0) {
                            observe[p][i] = (System.nanoTime() - s) / 1e6;
                        }
                    }
                    long t2 = System.nanoTime();
                    if (pass != null) {
                        if (i >= 0) {
                            passMoved += StreamTraffic.kernelBytes(pass.fragments().get(pass.next()));
                            passRan[i] = pass.next();
                        }
                        pass.observe(parameters, passKernels);
                    }
                    long t3 = System.nanoTime();
                    optimizer.step();
                    long t4 = System.nanoTime();
                    for (Variant v : variants) {
                        if (i >= 0) {
                            v.kernels()[i] = next(v.optimizer().probes());
                        }
                        long s = System.nanoTime();
                        v.optimizer().step();
                        if (i >= 0) {
                            v.over()[i] = (System.nanoTime() - s - (t4 - t3)) / 1e6;
                        }
                    }
                    if (i >= 0) {
                        fb[i] = (t1 - t0) / 1e6;
                        passed[i] = (t3 - t2) / 1e6;
                        step[i] = (t4 - t3) / 1e6;
                    }
                }
                List<ProbeTime> times = new ArrayList<>();
                for (int p = 0; p < probes.size(); p++) {
                    times.add(new ProbeTime(probes.get(p).name(), median(observe[p], observeKernels[p])));
                }
                String passName = String.join("+", fusible) + " (one pass)";
                Map<String, Double> bytes = new LinkedHashMap<>();
                for (int p = 0; p < probes.size(); p++) {
                    if (probes.get(p) instanceof FusibleProbe) {
                        bytes.put(probes.get(p).name(), moved[p] / steps);
                    }
                }
                if (pass != null) {
                    bytes.put(passName, passMoved / steps);
                }
                int[] one = new int[steps];
                return new Result(task.name(), backend.name(), median(fb, one), median(step, one), times,
                        pass == null ? null : new ProbeTime(passName, median(passed, passRan)),
                        variants.stream().map(v -> new ProbeTime(v.name(), median(v.over(), v.kernels()))).toList(),
                        variants.stream().allMatch(v -> identical(parameters, v.shadow())), adamBytes(), bytes);
            } finally {
                probes.forEach(Probe::close);
                forPass.forEach(Probe::close);
                for (Variant v : variants) {
                    v.optimizer().close();
                    v.shadow().parameters().forEach(p -> p.value().close());
                }
            }
        }
    }

    /** Adam with the probes {@code names} fused, over a copy of the values that shares the gradients. */
    private Variant variant(ParameterSet parameters, List<String> names, int steps, int lagBlock) {
        List<Parameter> copies = new ArrayList<>();
        for (Parameter p : parameters.parameters()) {
            copies.add(new Parameter(p.name(), backend.copy(p.value()), p.gradient()));
        }
        ParameterSet shadow = ParameterSet.of(copies);
        ProbedOptimizer fused = new ProbedOptimizer(adam.create(backend, shadow, Map.of()),
                Probes.create(names, backend, shadow, lagBlock), 1, 1, 1, true);
        if (!fused.fused()) {
            throw new IllegalStateException("Adam did not fuse the probes " + names);
        }
        return new Variant(String.join("+", names) + " (fused into adam)", shadow, fused, new double[steps],
                new int[steps]);
    }

    /** Bytes per parameter of Adam's step with its default options, or 0 if its provider is not elementwise. */
    private int adamBytes() {
        return adam instanceof ElementwiseDefinition d
                ? StreamTraffic.ruleBytes(d.rule(d.resolve(Map.of()).choices())) + StreamTraffic.NON_FINITE_CHECK_BYTES : 0;
    }

    private static List<FusibleProbe> fusible(List<Probe> probes) {
        return probes.stream().filter(FusibleProbe.class::isInstance).map(FusibleProbe.class::cast).toList();
    }

    private static List<String> names(List<? extends Probe> probes) {
        return probes.stream().map(Probe::name).toList();
    }

    private static boolean identical(ParameterSet a, ParameterSet b) {
        for (int p = 0; p < a.parameters().size(); p++) {
            Tensor x = a.parameters().get(p).value();
            Tensor y = b.parameters().get(p).value();
            if (!Arrays.equals(x.toArray(), y.toArray())) {
                return false;
            }
        }
        return true;
    }

    /** The kernels the fusible {@code probes}' next observation runs, as one number (mixed radix). */
    private static int next(List<Probe> probes) {
        int key = 0;
        for (FusibleProbe p : fusible(probes)) {
            key = key * p.kernels().size() + p.next();
        }
        return key;
    }

    /**
     * The mean over the steps of the median cost of their kind: {@code xs} grouped by {@code kinds}
     * (the kernels each step ran), each group's median weighted by its share of the steps.
     */
    private static double median(double[] xs, int[] kinds) {
        Map<Integer, List<Double>> groups = new TreeMap<>();
        for (int i = 0; i < xs.length; i++) {
            groups.computeIfAbsent(kinds[i], k -> new ArrayList<>()).add(xs[i]);
        }
        double total = 0;
        for (List<Double> g : groups.values()) {
            double[] sorted = g.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            total += sorted[sorted.length / 2] * sorted.length;
        }
        return total / xs.length;
    }
}
