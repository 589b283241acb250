package org.optopt.tasks.suite;

import java.util.SplittableRandom;

/** Host-side construction of the fixed matrices of the quadratic test problems (in double). */
final class Quadratics {
    private Quadratics() {}

    /**
     * A random orthogonal matrix distributed by the Haar measure: the Q factor of a Gaussian matrix
     * (Gram-Schmidt, twice for stability) with column signs fixed so R has a positive diagonal.
     */
    static double[][] haarOrthogonal(int d, SplittableRandom random) {
        double[][] cols = new double[d][d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < d; i++) {
                cols[j][i] = random.nextGaussian();
            }
        }
        for (int j = 0; j < d; j++) {
            double[] v = cols[j];
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += cols[k][i] * v[i];
                    }
                    for (int i = 0; i < d; i++) {
                        v[i] -= dot * cols[k][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < d; i++) {
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                v[i] /= norm;
            }
        }
        return cols;
    }

    /** {@code sum_k lambda_k v_k v_k^T} for orthonormal vectors {@code v_k}, row-major as float. */
    static float[] spectral(double[][] vectors, double[] eigenvalues) {
        int d = eigenvalues.length;
        float[] q = new float[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += eigenvalues[k] * vectors[k][i] * vectors[k][j];
                }
                q[i * d + j] = (float) s;
            }
        }
        return q;
    }
}
