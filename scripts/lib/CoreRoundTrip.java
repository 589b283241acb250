import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints the round trip of one cache line between two threads, in ns: a counter passed back and
 * forth 2 million times by two spinning threads (each waits for the other's increment). On the
 * 2-vCPU VMs of docs/performance.md it reads 63-90 ns when the hypervisor has the two vCPUs on
 * nearby cores and 400-650 ns when it has them far apart, which decides whether a data-parallel
 * step on two threads gets its full speedup ("mnist-mlp on two threads, third pass"). Run by
 * scripts/bench-threads.sh before every benchmark run; with {@code java CoreRoundTrip.java} alone,
 * and by HiddenSplitProbe.java before each of its runs.
 */
public final class CoreRoundTrip {
    private static final int ROUND_TRIPS = 2_000_000;

    private CoreRoundTrip() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.printf("%.0f%n", nanosPerRoundTrip());
    }

    /** Measures the round trip now, in ns (also called by HiddenSplitProbe.java in this folder). */
    static double nanosPerRoundTrip() throws InterruptedException {
        AtomicLong counter = new AtomicLong();
        Thread other = new Thread(() -> pass(counter, 1));
        other.start();
        long t0 = System.nanoTime();
        pass(counter, 0);
        long elapsed = System.nanoTime() - t0;
        other.join();
        return elapsed / (double) ROUND_TRIPS;
    }

    /** Waits for each value of parity {@code first} and answers with the next one. */
    private static void pass(AtomicLong counter, long first) {
        for (long v = first; v < 2L * ROUND_TRIPS; v += 2) {
            while (counter.get() != v) {
                Thread.onSpinWait();
            }
            counter.set(v + 1);
        }
    }
}
