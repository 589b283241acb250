package org.optopt.tasks.autodiff;

import java.util.Arrays;

/**
 * The matrices of Winograd's minimal filtering algorithm {@code F(m, r)} (Lavin and Gray 2016): the
 * {@code m} outputs of correlating {@code n = m + r - 1} inputs {@code d} with an {@code r}-tap
 * filter {@code g}, {@code y_i = sum_k d_{i+k} g_k}, are {@code y = A^T [(G g) . (B^T d)]} with
 * {@code n} multiplications instead of {@code m*r}; nested in two dimensions,
 * {@code Y = A^T [(G g G^T) . (B^T d B)] A}.
 *
 * <p>Generated for any (m, r) by Cook-Toom: correlation is the transpose of the linear convolution
 * of an r-term by an m-term polynomial, which is evaluated at {@code n - 1} finite points and at
 * infinity (the leading coefficient) and interpolated back. With {@code X} ({@code n x m}) and
 * {@code H} ({@code n x r}) the evaluation (Vandermonde) matrices and {@code V} the full {@code n x n}
 * one, {@code A^T = X^T}, {@code G = H} and {@code B^T = (V^{-1})^T}; row j of {@code G} is then
 * divided by {@code |prod_{l != j} (a_j - a_l)|} over the finite points and row j of {@code B^T}
 * multiplied by it (the usual scaling, which keeps {@code B^T} integral for small point sets and
 * reproduces Lavin and Gray's F(2, 3) up to the sign of the infinity point). Computed in double, then rounded
 * to float once.
 *
 * <p>The points are {@code 0, 1, -1, 2, -2, 1/2, -1/2, 3, -3, 1/3, -1/3, ...} in that order: small
 * magnitudes and reciprocal pairs keep the Vandermonde systems well conditioned, and the float
 * error grows with {@code n} (stated, measured against direct convolution, in docs/performance.md).
 */
public final class WinogradTransform {
    private final int m;
    private final int r;
    private final double[] at;
    private final double[] g;
    private final double[] bt;

    private WinogradTransform(int m, int r, double[] at, double[] g, double[] bt) {
        this.m = m;
        this.r = r;
        this.at = at;
        this.g = g;
        this.bt = bt;
    }

    /**
     * The transform of {@code F(m, r)}.
     *
     * @throws IllegalArgumentException unless {@code m >= 1}, {@code r >= 1} and {@code m + r - 1 <= 16}
     */
    public static WinogradTransform of(int m, int r) {
        if (m < 1 || r < 1 || m + r - 1 > 16) {
            throw new IllegalArgumentException("Winograd F(" + m + ", " + r + "): need m >= 1, r >= 1 and a tile of "
                    + "m + r - 1 <= 16 points");
        }
        int n = m + r - 1;
        double[] points = points(n - 1);
        double[] at = new double[m * n];
        double[] g = new double[n * r];
        double[] v = new double[n * n];
        for (int j = 0; j < n; j++) {
            boolean infinite = j == n - 1;
            for (int i = 0; i < m; i++) {
                at[i * n + j] = infinite ? (i == m - 1 ? 1 : 0) : Math.pow(points[j], i);
            }
            for (int k = 0; k < r; k++) {
                g[j * r + k] = infinite ? (k == r - 1 ? 1 : 0) : Math.pow(points[j], k);
            }
            for (int k = 0; k < n; k++) {
                v[j * n + k] = infinite ? (k == n - 1 ? 1 : 0) : Math.pow(points[j], k);
            }
        }
        double[] inverse = inverse(v, n);
        double[] bt = new double[n * n];
        for (int j = 0; j < n; j++) {
            double scale = 1;
            for (int l = 0; l < n - 1 && j < n - 1; l++) {
                if (l != j) {
                    scale *= points[j] - points[l];
                }
            }
            scale = Math.abs(scale);
            for (int l = 0; l < n; l++) {
                bt[j * n + l] = inverse[l * n + j] * scale;
            }
            for (int k = 0; k < r; k++) {
                g[j * r + k] /= scale;
            }
        }
        return new WinogradTransform(m, r, at, g, bt);
    }

    /** The first {@code count} points of 0, 1, -1, 2, -2, 1/2, -1/2, 3, -3, 1/3, -1/3, ... */
    static double[] points(int count) {
        double[] p = new double[count];
        int i = 0;
        if (i < count) {
            p[i++] = 0;
        }
        for (int k = 1; i < count; k++) {
            double[] next = k == 1 ? new double[] {1, -1} : new double[] {k, -k, 1.0 / k, -1.0 / k};
            for (int j = 0; j < next.length && i < count; j++) {
                p[i++] = next[j];
            }
        }
        return p;
    }

    /** The inverse of an {@code n x n} matrix by Gauss-Jordan elimination with partial pivoting. */
    private static double[] inverse(double[] a, int n) {
        double[] w = a.clone();
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            inv[i * n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(w[row * n + col]) > Math.abs(w[pivot * n + col])) {
                    pivot = row;
                }
            }
            swapRows(w, n, col, pivot);
            swapRows(inv, n, col, pivot);
            double d = w[col * n + col];
            for (int k = 0; k < n; k++) {
                w[col * n + k] /= d;
                inv[col * n + k] /= d;
            }
            for (int row = 0; row < n; row++) {
                double f = w[row * n + col];
                if (row != col && f != 0) {
                    for (int k = 0; k < n; k++) {
                        w[row * n + k] -= f * w[col * n + k];
                        inv[row * n + k] -= f * inv[col * n + k];
                    }
                }
            }
        }
        return inv;
    }

    private static void swapRows(double[] a, int n, int i, int j) {
        for (int k = 0; k < n && i != j; k++) {
            double t = a[i * n + k];
            a[i * n + k] = a[j * n + k];
            a[j * n + k] = t;
        }
    }

    /** Outputs per tile side, m. */
    public int outputTile() {
        return m;
    }

    /** Filter taps, r. */
    public int taps() {
        return r;
    }

    /** Points per tile side, {@code n = m + r - 1}. */
    public int inputTile() {
        return m + r - 1;
    }

    /** {@code A^T}, {@code m x n}, row-major, in double. */
    public double[] at() {
        return at.clone();
    }

    /** {@code G}, {@code n x r}, row-major, in double. */
    public double[] g() {
        return g.clone();
    }

    /** {@code B^T}, {@code n x n}, row-major, in double. */
    public double[] bt() {
        return bt.clone();
    }

    /** {@code matrix} ({@code rows x (length/rows)}, row-major) rounded to float, transposed if asked. */
    static float[] toFloat(double[] matrix, int rows, boolean transpose) {
        int cols = matrix.length / rows;
        float[] f = new float[matrix.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                f[transpose ? j * rows + i : i * cols + j] = (float) matrix[i * cols + j];
            }
        }
        return f;
    }

    @Override
    public String toString() {
        return "F(" + m + ", " + r + ") on points " + Arrays.toString(points(inputTile() - 1)) + " and infinity";
    }
}
