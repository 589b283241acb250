package org.optopt.cli.bench;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.bench.IncumbentProvider;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Optimizers;
import org.optopt.tasks.training.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code optopt bench kernel}: times one compiled kernel step on the chosen backend beside a
 * memory-bandwidth baseline (a += s*b) over the same footprint and, where the backend has one, its own native
 * implementation of the same update (the incumbent, from the backend's optional benchmark peer,
 * {@link IncumbentProvider}). Without {@code --size}, at two sizes: one resident in
 * the last-level cache and one well beyond it ({@link MemoryLevel}), each labelled with the limit it measures.
 * The bytes credited are the kernel's alone ({@link StreamTraffic}); {@code bench optimizers} times a full
 * step, which adds the non-finite check's gradient read.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Time a fused kernel step against memory bandwidth and the backend's native op.")
final class KernelBenchCommand implements Runnable {
    private final Supplier<Backend> backend;
    private final Optimizers optimizers;
    private final List<IncumbentProvider> peers;

    @Spec
    private CommandSpec spec;

    @Option(names = "--kernel", defaultValue = "adam", description = "The update rule of this elementwise optimizer (see 'optopt optimizers'; default: ${DEFAULT-VALUE}).")
    private String kernelName;

    @Option(names = "--size", description = "Parameters per step (default: one cache-resident size and one well beyond "
            + "the last-level cache).")
    private Integer size;

    @Mixin
    private Repetitions repetitions;

    @Inject
    KernelBenchCommand(Supplier<Backend> backend, Optimizers optimizers, List<IncumbentProvider> peers) {
        this.backend = backend;
        this.optimizers = optimizers;
        this.peers = List.copyOf(peers);
    }

    @Override
    public void run() {
        if (size != null && size < 1) {
            throw new IllegalArgumentException("--size must be at least 1, got " + size);
        }
        Backend b = backend.get();
        Kernel kernel = KernelBenchmark.ofOptimizer(optimizers, kernelName, b, 1, 0, 1).kernel(); // validates --kernel
        MemoryLevel memory = MemoryLevel.detect();
        List<Integer> sizes = size != null ? List.of(size) : memory.defaultSizes(StreamTraffic.footprintBytes(kernel));
        PrintWriter out = spec.commandLine().getOut();
        for (int n : sizes) {
            KernelBenchmark.Result r = KernelBenchmark.ofOptimizer(optimizers, kernelName, b, n, repetitions.warmup,
                    repetitions.runs).run(peers);
            if (repetitions.json) {
                out.println(Json.object(toMap(r, memory)));
                continue;
            }
            out.printf("kernel %s, %,d parameters (%d MiB, %s; %s), backend %s, %d kernel thread(s)%n", r.kernel(), r.size(),
                    r.footprintBytes() >> 20, memory.regime(r.footprintBytes()), memory.describe(), r.backend(), r.threads());
            out.printf("  optopt kernel     %9.3f ms/step  %7.1f GB/s  (%d bytes/parameter: the kernel alone; a full step "
                    + "adds %d for the non-finite check)%n", r.kernelTiming().medianMillis(), r.gbps(), r.bytesPerParameter(),
                    StreamTraffic.NON_FINITE_CHECK_BYTES);
            out.printf("  baseline a+=s*b   %9.3f ms/pass  %7.1f GB/s  (same footprint, same threads)%n",
                    r.baselineTiming().medianMillis(), r.baselineGbps());
            r.incumbent().ifPresent(i -> out.printf("  %-17s %9.3f ms/step  (%s)%n", "incumbent", i.timing().medianMillis(),
                    i.description()));
            out.printf("fraction of the baseline's GB/s: %.2f%s%n", r.ratioToBaseline(),
                    StreamTraffic.aboveBaselineNote(r.ratioToBaseline()));
            r.speedupVsIncumbent().ifPresent(s -> out.printf("speedup vs incumbent: %.2fx%n", s));
        }
    }

    private static Map<String, Object> toMap(KernelBenchmark.Result r, MemoryLevel memory) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", r.kernel());
        m.put("size", r.size());
        m.put("footprint_bytes", r.footprintBytes());
        m.put("llc_bytes", memory.lastLevelCacheBytes());
        m.put("regime", memory.regime(r.footprintBytes()));
        m.put("backend", r.backend());
        m.put("threads", r.threads());
        m.put("bytes_per_parameter", r.bytesPerParameter());
        m.put("median_ms", r.kernelTiming().medianMillis());
        m.put("gbps", r.gbps());
        m.put("baseline_ms", r.baselineTiming().medianMillis());
        m.put("baseline_gbps", r.baselineGbps());
        m.put("ratio_to_baseline", r.ratioToBaseline());
        Optional<KernelBenchmark.IncumbentResult> inc = r.incumbent();
        m.put("incumbent", inc.map(KernelBenchmark.IncumbentResult::description).orElse(null));
        m.put("incumbent_median_ms", inc.map(i -> i.timing().medianMillis()).orElse(null));
        m.put("speedup_vs_nd4j", r.speedupVsIncumbent().orElse(null));
        return m;
    }
}
