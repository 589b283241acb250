import java.util.Random;
import org.optopt.theory.KroneckerMetric;
import org.optopt.theory.SecondMoment;
import org.optopt.theory.SymmetricFunction;

/**
 * The K-FAC design of one n x cols weight (default 784 x 128, mnist-mlp's first layer) from factor
 * statistics L (n x n) and R (cols x cols), timed two ways in one run, interleaved:
 * eigen: the normalized damped factors' inverses by symmetric eigendecomposition (V f(Lambda) V^T,
 * what the design did before: one decomposition per factor, for the PSD check, reused for the inverse);
 * cholesky: KroneckerMetric.fromGradientStatistics as it is now (PSD check and inverse by Cholesky).
 * L and R are sums of outer products of random gradients with a quarter of the rows zero (MNIST's
 * blank border pixels make L singular). Prints the median of each over the repeats and the ratio.
 */
public final class FactorInverse {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 784;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        double damping = 0.01;
        Random random = new Random(1);
        double[][] l = new double[n][n];
        double[][] r = new double[cols][cols];
        for (int s = 0; s < 64; s++) {
            double[][] g = new double[n][cols];
            for (int i = n / 4; i < n; i++) {
                for (int j = 0; j < cols; j++) {
                    g[i][j] = random.nextGaussian();
                }
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    double dot = 0;
                    for (int j = 0; j < cols; j++) {
                        dot += g[i][j] * g[k][j];
                    }
                    l[i][k] += dot;
                }
            }
            for (int j = 0; j < cols; j++) {
                for (int k = 0; k < cols; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += g[i][j] * g[i][k];
                    }
                    r[j][k] += dot;
                }
            }
        }
        double[] eigen = new double[repeats];
        double[] cholesky = new double[repeats];
        double root = Math.sqrt(damping);
        for (int k = 0; k < repeats; k++) {
            long t0 = System.nanoTime();
            for (double[][] f : new double[][][] {l, r}) {
                double mean = 0;
                for (int i = 0; i < f.length; i++) {
                    mean += f[i][i] / f.length;
                }
                double m = mean;
                SymmetricFunction.apply(f, x -> (1 + root) / (Math.max(x, 0) / m + root));
            }
            long t1 = System.nanoTime();
            KroneckerMetric.fromGradientStatistics(1, SecondMoment.of("L", l, 1e-4), SecondMoment.of("R", r, 1e-4),
                    damping);
            long t2 = System.nanoTime();
            eigen[k] = (t1 - t0) / 1e9;
            cholesky[k] = (t2 - t1) / 1e9;
        }
        java.util.Arrays.sort(eigen);
        java.util.Arrays.sort(cholesky);
        double e = eigen[repeats / 2];
        double c = cholesky[repeats / 2];
        System.out.printf("K-FAC design of a %dx%d weight (factors %dx%d and %dx%d), median of %d:%n", n, cols, n, n,
                cols, cols, repeats);
        System.out.printf("  eigen    %.3f s%n  cholesky %.3f s%n  eigen / cholesky = %.1f%n", e, c, e / c);
    }
}
