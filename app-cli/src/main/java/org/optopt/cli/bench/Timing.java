package org.optopt.cli.bench;

import java.util.Arrays;

/**
 * Wall-clock timing of a repeated action: warm-up runs (for the JIT), then timed runs; the
 * median is reported because these VMs are noisy.
 *
 * @param medianMillis median duration of one run, in milliseconds
 * @param minMillis fastest run, in milliseconds
 * @param runs number of timed runs
 */
public record Timing(double medianMillis, double minMillis, int runs) {

    /**
     * Times {@code action}.
     *
     * @throws IllegalArgumentException if {@code runs < 1} or {@code warmup < 0}
     */
    public static Timing of(Runnable action, int warmup, int runs) {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("Timing needs runs >= 1 and warmup >= 0, got " + runs + ", " + warmup);
        }
        for (int i = 0; i < warmup; i++) {
            action.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            action.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        double median = runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
        return new Timing(median, ms[0], runs);
    }

    /** Throughput in GB/s when each run moves {@code bytes}. */
    public double gigabytesPerSecond(double bytes) {
        return bytes / (medianMillis * 1e6);
    }
}
