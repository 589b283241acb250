package org.optopt.cli.bench;

/**
 * The memory-bandwidth baseline: a streaming read-modify-write {@code a[i] += s*b[i]} over heap
 * arrays in plain Java (C2 vectorizes it), which moves 12 bytes per element (two reads, one write
 * to a line just read, as an optimizer's state update does — a write to a fresh array would add a
 * hidden read for ownership). Sized to occupy the same memory as the workload it is compared with.
 */
final class BandwidthBaseline implements Runnable {
    /** Bytes moved per element of one pass. */
    static final int BYTES_PER_ELEMENT = 12;

    private final float[] a;
    private final float[] b;
    private float s = 1e-3f;

    /** A baseline over two arrays whose total size is {@code footprintBytes}. */
    BandwidthBaseline(long footprintBytes) {
        int n = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, footprintBytes / 8));
        a = new float[n];
        b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 7;
            b[i] = i % 5;
        }
    }

    @Override
    public void run() {
        float[] a = this.a;
        float[] b = this.b;
        float s = this.s;
        for (int i = 0; i < a.length; i++) {
            a[i] += s * b[i];
        }
        this.s = -s; // alternating sign keeps the values bounded over many passes
    }

    /** Bytes one pass moves. */
    double bytesPerRun() {
        return (double) BYTES_PER_ELEMENT * a.length;
    }
}
