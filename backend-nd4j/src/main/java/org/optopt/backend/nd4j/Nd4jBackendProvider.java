package org.optopt.backend.nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BackendProvider;

/**
 * Provider of the {@code nd4j} backend ({@link Nd4jBackend}), the default CPU backend.
 *
 * <p>Options, each an integer from 1 to the number of available processors:
 * <ul>
 *   <li>{@code threads} — threads for OpenBLAS (a process-wide setting); default
 *       {@value #DEFAULT_THREADS}, the fastest for every peer on the networks measured on 2-vCPU
 *       machines;</li>
 *   <li>{@code kernel-threads} — threads for compiled kernels over large tensors, and over
 *       tensors of 32 K elements or more while a worker of a data-parallel step spins
 *       ({@link ParallelLoop}), and for the ND4J incumbent they are compared with; default all
 *       available processors (two cores stream 1.8x the memory bandwidth of one on the machines
 *       measured, and tensors too small to gain stay on one thread).</li>
 * </ul>
 */
public final class Nd4jBackendProvider implements BackendProvider {
    /** The backend's name. */
    public static final String NAME = "nd4j";
    /** The option naming the thread count. */
    public static final String THREADS = "threads";
    /** The option naming the kernel thread count. */
    public static final String KERNEL_THREADS = "kernel-threads";
    /** The default OpenBLAS thread count. */
    public static final int DEFAULT_THREADS = 1;

    private static final List<String> OPTIONS = List.of(THREADS, KERNEL_THREADS);
    private static final List<String> REQUIRED_CLASSES = List.of(
            "org.nd4j.linalg.factory.Nd4j",
            "org.nd4j.linalg.cpu.nativecpu.CpuBackend",
            "org.bytedeco.javacpp.Loader",
            "org.bytedeco.openblas.global.openblas_nolapack");
    /** Where ND4J's jars keep the natives of a platform, one folder per platform and extension. */
    private static final String BINDINGS = "org/nd4j/linalg/cpu/nativecpu/bindings/";
    /** The variants ND4J publishes natives in, fastest first. */
    private static final List<NativeVariant> VARIANTS = List.of(
            new NativeVariant("-avx512", "avx512f"), new NativeVariant("-avx2", "avx2"), new NativeVariant("", null));

    /** A platform extension of ND4J's natives and the cpuinfo flag it needs (null: none). */
    private record NativeVariant(String extension, String cpuFlag) {
        boolean runsOn(Path cpuinfo) {
            return cpuFlag == null || cpuHasFlag(cpuinfo, cpuFlag);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "CPU: fused JVM kernels over heap arrays, matrix products on ND4J's OpenBLAS";
    }

    @Override
    public int priority() {
        return 100;
    }

    /**
     * Checks that ND4J's classes and its natives for this platform are on the class path and that the CPU
     * can run them; loads no native code. Natives are found under ND4J's bindings folder named by
     * JavaCPP's platform ({@code linux-x86_64}, {@code macosx-arm64}, ...) and an optional extension
     * ({@code -avx2}, {@code -avx512}): the build chooses them ({@code javacpp.platform},
     * {@code javacpp.platform.extension}), and an extension whose instruction set the CPU lacks (per
     * {@code /proc/cpuinfo} where there is one) would crash the JVM, so it makes the backend unavailable.
     */
    @Override
    public Availability availability() {
        ClassLoader loader = Nd4jBackendProvider.class.getClassLoader();
        for (String cls : REQUIRED_CLASSES) {
            try {
                Class.forName(cls, false, loader);
            } catch (ClassNotFoundException e) {
                return Availability.unavailable("ND4J is not on the class path (missing " + cls + ")");
            }
        }
        String platform = javacppPlatform(System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"));
        List<NativeVariant> bundled = VARIANTS.stream()
                .filter(variant -> loader.getResource(BINDINGS + platform + variant.extension() + "/") != null)
                .toList();
        if (bundled.isEmpty()) {
            return Availability.unavailable("ND4J's natives for " + platform
                    + " are not on the class path (build on this machine, or with -Djavacpp.platform=" + platform + ")");
        }
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return bundled.stream()
                .filter(variant -> variant.runsOn(cpuinfo))
                .findFirst()
                .map(variant -> Availability.available(platform + variant.extension() + " natives, ND4J on the class path, "
                        + KernelCompiler.sumLoops()))
                .orElseGet(() -> Availability.unavailable("ND4J's natives on the class path need "
                        + bundled.stream().map(NativeVariant::cpuFlag).toList()
                        + ", which this CPU lacks (per /proc/cpuinfo); rebuild without -Djavacpp.platform.extension"));
    }

    /** JavaCPP's name of a platform given Java's {@code os.name} and {@code os.arch}, e.g. {@code linux-x86_64}. */
    static String javacppPlatform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String system = os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : os.split("\\s+")[0];
        String arch = switch (osArch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> osArch;
        };
        return system + "-" + arch;
    }

    /** Whether the {@code flags} line of a cpuinfo file lists {@code flag}; true if the file cannot be read. */
    static boolean cpuHasFlag(Path cpuinfo, String flag) {
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).contains(flag))
                    .orElse(true);
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Creates the backend (loads OpenBLAS).
     *
     * @throws IllegalArgumentException on an unknown option or an invalid thread count
     * @throws IllegalStateException if the backend is unavailable here
     */
    @Override
    public Backend create(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new IllegalArgumentException("Backend '" + NAME + "' has no option '" + key
                        + "'; valid options: " + OPTIONS);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = parseThreads(THREADS, options.get(THREADS), DEFAULT_THREADS, cores);
        int kernelThreads = parseThreads(KERNEL_THREADS, options.get(KERNEL_THREADS), cores, cores);
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("Backend '" + NAME + "' is unavailable: " + a.reason());
        }
        return new Nd4jBackend(threads, kernelThreads);
    }

    private static int parseThreads(String option, String value, int defaultValue, int cores) {
        if (value == null) {
            return defaultValue;
        }
        int threads;
        try {
            threads = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Backend '" + NAME + "': option " + option
                    + " must be an integer, got '" + value + "'");
        }
        if (threads < 1 || threads > cores) {
            throw new IllegalArgumentException("Backend '" + NAME + "': option " + option + " must be in [1, "
                    + cores + "] (available processors), got " + threads);
        }
        return threads;
    }
}
