package org.optopt.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The memory-bandwidth baseline: a streaming read-modify-write {@code a[i] += s*b[i]} over heap
 * arrays in plain Java (C2 vectorizes it), which moves 12 bytes per element (two reads, one write
 * to a line just read, as an optimizer's state update does — a write to a fresh array would add a
 * hidden read for ownership). Sized to occupy the same memory as the workload it is compared with,
 * and run on as many threads as that workload uses (the arrays cut into one contiguous chunk per
 * thread), because one core does not reach the memory bandwidth of several.
 */
final class BandwidthBaseline implements Runnable, AutoCloseable {
    /** Bytes moved per element of one pass. */
    static final int BYTES_PER_ELEMENT = 12;

    private final float[] a;
    private final float[] b;
    private final int threads;
    private final ExecutorService helpers;
    private float s = 1e-3f;

    /**
     * A baseline over two arrays whose total size is {@code footprintBytes}, on {@code threads}
     * threads (the calling one and {@code threads - 1} helpers).
     */
    BandwidthBaseline(long footprintBytes, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        int n = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, footprintBytes / 8));
        a = new float[n];
        b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 7;
            b[i] = i % 5;
        }
        this.threads = threads;
        this.helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, task -> {
            Thread t = new Thread(task, "optopt-bandwidth-baseline");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void run() {
        float scale = s;
        int chunk = (int) (((long) a.length + threads - 1) / threads);
        List<Future<?>> others = new ArrayList<>();
        for (int from = chunk; from < a.length; from += chunk) {
            int start = from;
            int end = (int) Math.min(a.length, (long) from + chunk);
            others.add(helpers.submit(() -> pass(a, b, scale, start, end)));
        }
        pass(a, b, scale, 0, Math.min(chunk, a.length));
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while timing the bandwidth baseline", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("The bandwidth baseline failed", e.getCause());
            }
        }
        s = -scale; // alternating sign keeps the values bounded over many passes
    }

    private static void pass(float[] a, float[] b, float s, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] += s * b[i];
        }
    }

    /** Bytes one pass moves. */
    double bytesPerRun() {
        return (double) BYTES_PER_ELEMENT * a.length;
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }
}
