package org.optopt.cli.bench;

/**
 * The memory-bandwidth baseline: a streaming triad {@code a[i] = b[i] + s*c[i]} over heap arrays
 * in plain Java (C2 vectorizes it), which moves 12 bytes per element (two reads, one write).
 * Sized to occupy the same memory as the workload it is compared with.
 */
final class Triad implements Runnable {
    /** Bytes moved per element of one triad pass. */
    static final int BYTES_PER_ELEMENT = 12;

    private final float[] a;
    private final float[] b;
    private final float[] c;
    private float s = 0.5f;

    /** A triad over three arrays whose total size is {@code footprintBytes}. */
    Triad(long footprintBytes) {
        int n = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, footprintBytes / BYTES_PER_ELEMENT));
        a = new float[n];
        b = new float[n];
        c = new float[n];
        for (int i = 0; i < n; i++) {
            b[i] = i % 7;
            c[i] = i % 5;
        }
    }

    /** Elements per array. */
    int size() {
        return a.length;
    }

    @Override
    public void run() {
        float[] a = this.a;
        float[] b = this.b;
        float[] c = this.c;
        float s = this.s;
        for (int i = 0; i < a.length; i++) {
            a[i] = b[i] + s * c[i];
        }
        this.s = -s; // keeps the work from being hoisted out of the timing loop
    }

    /** Bytes one pass moves. */
    double bytesPerRun() {
        return (double) BYTES_PER_ELEMENT * a.length;
    }
}
