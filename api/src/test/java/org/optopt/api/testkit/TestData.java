package org.optopt.api.testkit;

import java.util.SplittableRandom;

/**
 * Reproducible host data for conformance tests: normal samples, positive samples, and mixes of
 * IEEE special values (signed zeros, infinities, NaN, subnormals, overflow thresholds) with
 * normal samples of varying magnitude.
 */
public final class TestData {
    /**
     * The special values mixed into {@link Domain#SPECIAL} data: the inputs on which backends
     * most often deviate from {@link org.optopt.api.kernel.KernelMath}.
     */
    public static final float[] SPECIALS = {
        0f, -0f, 1f, -1f, 0.5f, -2.5f, 3f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE,
        -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 88.8f, -104f, 1e-20f, 1e20f
    };

    private TestData() {}

    /** The kind of values a buffer holds. */
    public enum Domain {
        /** Standard normal samples. */
        SIGNED,
        /** Absolute values of standard normal samples plus 0.01 (for second moments, denominators). */
        POSITIVE,
        /**
         * Every even index holds a special value, every odd one a normal sample scaled by a power
         * of ten in [1e-3, 1e3]. The k-th special buffer of a kernel walks {@link #SPECIALS} with
         * stride {@code SPECIALS.length^k}, so two special buffers meet in every pair of values
         * within {@code 2 * SPECIALS.length^2} elements.
         */
        SPECIAL,
        /** All zeros (e.g. parameters in finite-difference checks, where the update itself is measured). */
        ZERO
    }

    /**
     * {@code n} values of {@code domain}.
     *
     * @param ordinal which special buffer this is (see {@link Domain#SPECIAL}); ignored otherwise
     */
    public static float[] of(Domain domain, int n, long seed, int ordinal) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        int stride = 1;
        for (int k = 0; k < ordinal; k++) {
            stride *= SPECIALS.length;
        }
        for (int i = 0; i < n; i++) {
            out[i] = switch (domain) {
                case SIGNED -> (float) r.nextGaussian();
                case POSITIVE -> (float) (Math.abs(r.nextGaussian()) + 0.01);
                case ZERO -> 0f;
                case SPECIAL -> i % 2 == 0 ? SPECIALS[(i / 2 / stride) % SPECIALS.length]
                        : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
            };
        }
        return out;
    }

    /** {@code n} standard normal samples. */
    public static float[] normal(int n, long seed) {
        return of(Domain.SIGNED, n, seed, 0);
    }

    /** The transpose of the row-major {@code rows x cols} matrix {@code m}, row-major ({@code cols x rows}). */
    public static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }

    /** A copy of {@code arrays} whose rows are copies too. */
    public static float[][] deepCopy(float[][] arrays) {
        float[][] out = new float[arrays.length][];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i].clone();
        }
        return out;
    }
}
