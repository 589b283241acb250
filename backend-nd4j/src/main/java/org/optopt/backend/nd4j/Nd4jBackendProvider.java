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
 *   <li>{@code kernel-threads} — threads for compiled kernels over large tensors
 *       ({@link ParallelLoop}) and for the ND4J incumbent they are compared with; default all
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

    /** Checks the platform, the CPU's AVX2 flag and that ND4J's classes are present; loads no native code. */
    @Override
    public Availability availability() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Availability.unavailable("ND4J natives are bundled for linux-x86_64 only; this is " + os + " " + arch);
        }
        ClassLoader loader = Nd4jBackendProvider.class.getClassLoader();
        for (String cls : REQUIRED_CLASSES) {
            try {
                Class.forName(cls, false, loader);
            } catch (ClassNotFoundException e) {
                return Availability.unavailable("ND4J is not on the class path (missing " + cls + ")");
            }
        }
        if (!cpuHasAvx2(Path.of("/proc/cpuinfo"))) {
            return Availability.unavailable("the CPU lacks AVX2 (per /proc/cpuinfo) and only ND4J's avx2 natives are bundled");
        }
        return Availability.available("linux-x86_64, AVX2, ND4J on the class path");
    }

    /** Whether the {@code flags} line of a cpuinfo file lists {@code avx2}; true if the file cannot be read. */
    static boolean cpuHasAvx2(Path cpuinfo) {
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).contains("avx2"))
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
