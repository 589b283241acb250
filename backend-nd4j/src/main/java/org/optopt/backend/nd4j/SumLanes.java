package org.optopt.backend.nd4j;

import java.util.Arrays;

/**
 * The lanes of the sums of {@link KernelCompiler}'s scalar loops, kept per thread: a loop over the
 * elements {@code [from, to)} of a kernel with sums runs in blocks of {@link #LANES} elements, and
 * element {@code i} adds its term to lane {@code (i - from) mod LANES} of its sum's array; after the
 * loop {@link #total} adds the lanes in a fixed order.
 *
 * <p>Why: one double accumulator per sum is one chain of dependent additions, latency-bound at
 * about 1.1 ns per element, and C2 does not vectorize a floating-point sum (it would change the
 * order of the additions). An add into an array element indexed like the buffers is an ordinary
 * elementwise update, which C2 vectorizes; the lanes of a block stay in the L1 cache. Measured on
 * the autocorrelation probe's kernel (five sums over 100,352 elements, JDK 25, AVX2, data in the
 * cache, scratch harness): 0.11 ms with 256 lanes and one sum per loop ({@link KernelStages}), 0.11
 * with 512, 0.12 with 1024, 0.15 with 128, against 0.24 ms for four scalar accumulators per sum; in
 * {@code optopt bench probes} 256, 512 and 1024 lanes read the same within the noise.
 */
final class SumLanes {
    /** Lanes per sum, and the elements of a block of a loop with sums. */
    static final int LANES = 256;

    private static final ThreadLocal<double[][]> ARRAYS = ThreadLocal.withInitial(() -> new double[0][]);

    private SumLanes() {}

    /**
     * {@code count} distinct lane arrays of the calling thread with their first {@code used} lanes
     * zero; valid until the thread's next call.
     */
    static double[][] zeroed(int count, int used) {
        double[][] arrays = ARRAYS.get();
        if (arrays.length < count) {
            double[][] more = Arrays.copyOf(arrays, count);
            for (int k = arrays.length; k < count; k++) {
                more[k] = new double[LANES];
            }
            arrays = more;
            ARRAYS.set(arrays);
        }
        for (int k = 0; k < count; k++) {
            Arrays.fill(arrays[k], 0, used, 0.0);
        }
        return arrays;
    }

    /**
     * The sum of the first {@code used} lanes in a fixed order: four partial sums over the lanes
     * {@code j mod 4} in lane order, then added first to last (four dependency chains instead of one).
     */
    static double total(double[] lanes, int used) {
        double a = 0;
        double b = 0;
        double c = 0;
        double d = 0;
        int j = 0;
        for (; j + 3 < used; j += 4) {
            a += lanes[j];
            b += lanes[j + 1];
            c += lanes[j + 2];
            d += lanes[j + 3];
        }
        for (; j < used; j++) {
            a += lanes[j];
        }
        return a + b + c + d;
    }
}
