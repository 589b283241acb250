package org.optopt.optimizers.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;

/**
 * K-FAC against a naive double-precision reference written here from the update rule in
 * {@link Kfac}'s documentation (plain loops, Gauss-Jordan inverses; no production helper).
 */
class KfacTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    /** The rule of {@link Kfac}, for one rows x cols parameter, in double. */
    private static final class Reference {
        final int rows;
        final int cols;
        final boolean leftFactor;
        final boolean rightFactor;
        final double lr;
        final double momentum;
        final double damping;
        final double beta;
        final int every;
        final double[][] l;
        final double[][] r;
        double[][] leftInverse;
        double[][] rightInverse;
        double gpg;
        final double[] buf;
        final double[] p;
        int t;

        Reference(int rows, int cols, int maxSide, double lr, double momentum, double damping, double beta, int every,
                float[] p0) {
            this.rows = rows;
            this.cols = cols;
            this.leftFactor = rows <= maxSide;
            this.rightFactor = cols <= maxSide;
            this.lr = lr;
            this.momentum = momentum;
            this.damping = damping;
            this.beta = beta;
            this.every = every;
            l = new double[rows][rows];
            r = new double[cols][cols];
            buf = new double[rows * cols];
            p = new double[rows * cols];
            for (int i = 0; i < p.length; i++) {
                p[i] = p0[i];
            }
        }

        void step(float[] gf) {
            double[][] g = new double[rows][cols];
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < cols; k++) {
                    g[i][k] = gf[i * cols + k];
                }
            }
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    double s = 0;
                    for (int k = 0; k < cols; k++) {
                        s += g[i][k] * g[j][k];
                    }
                    l[i][j] = beta * l[i][j] + (1 - beta) * s;
                }
            }
            for (int k = 0; k < cols; k++) {
                for (int m = 0; m < cols; m++) {
                    double s = 0;
                    for (int i = 0; i < rows; i++) {
                        s += g[i][k] * g[i][m];
                    }
                    r[k][m] = beta * r[k][m] + (1 - beta) * s;
                }
            }
            double correction = 1 - Math.pow(beta, t + 1);
            if (t % every == 0) {
                double root = Math.sqrt(damping);
                leftInverse = leftFactor ? invert(scaled(shifted(scaled(l, rows / trace(l)), root), 1 / (1 + root)))
                        : identity(rows);
                rightInverse = rightFactor ? invert(scaled(shifted(scaled(r, cols / trace(r)), root), 1 / (1 + root)))
                        : identity(cols);
            }
            double[][] u = multiply(multiply(leftInverse, g), rightInverse);
            double gu = 0;
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < cols; k++) {
                    gu += g[i][k] * u[i][k];
                }
            }
            gpg = beta * gpg + (1 - beta) * gu;
            double eta = lr * Math.sqrt(rows * cols) / Math.sqrt(gpg / correction);
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < cols; k++) {
                    int x = i * cols + k;
                    buf[x] = momentum * buf[x] + u[i][k];
                    p[x] -= eta * buf[x];
                }
            }
            t++;
        }

        static double[][] identity(int n) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                a[i][i] = 1;
            }
            return a;
        }

        static double trace(double[][] a) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i][i];
            }
            return s;
        }

        static double[][] scaled(double[][] a, double s) {
            double[][] out = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i].clone();
                for (int j = 0; j < a.length; j++) {
                    out[i][j] *= s;
                }
            }
            return out;
        }

        static double[][] shifted(double[][] a, double s) {
            double[][] out = scaled(a, 1);
            for (int i = 0; i < a.length; i++) {
                out[i][i] += s;
            }
            return out;
        }

        static double[][] multiply(double[][] a, double[][] b) {
            double[][] out = new double[a.length][b[0].length];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < b[0].length; j++) {
                    for (int k = 0; k < b.length; k++) {
                        out[i][j] += a[i][k] * b[k][j];
                    }
                }
            }
            return out;
        }

        /** Gauss-Jordan elimination with partial pivoting. */
        static double[][] invert(double[][] a) {
            int n = a.length;
            double[][] m = new double[n][2 * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(a[i], 0, m[i], 0, n);
                m[i][n + i] = 1;
            }
            for (int c = 0; c < n; c++) {
                int pivot = c;
                for (int i = c + 1; i < n; i++) {
                    if (Math.abs(m[i][c]) > Math.abs(m[pivot][c])) {
                        pivot = i;
                    }
                }
                double[] tmp = m[c];
                m[c] = m[pivot];
                m[pivot] = tmp;
                double d = m[c][c];
                for (int j = 0; j < 2 * n; j++) {
                    m[c][j] /= d;
                }
                for (int i = 0; i < n; i++) {
                    if (i != c) {
                        double f = m[i][c];
                        for (int j = 0; j < 2 * n; j++) {
                            m[i][j] -= f * m[c][j];
                        }
                    }
                }
            }
            double[][] out = new double[n][n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(m[i], n, out[i], 0, n);
            }
            return out;
        }
    }

    @ParameterizedTest(name = "{0}x{1} max_side={2} momentum={3} update_every={4}")
    @CsvSource({"3,4,1024,0,1", "3,4,1024,0.5,2", "3,4,3,0.9,3", "3,4,2,0,2", "1,6,1024,0.5,2", "5,2,1,0,1"})
    void matchesTheNaiveReference(int rows, int cols, int maxSide, double momentum, int every) {
        Shape shape = rows == 1 ? Shape.vector(cols) : Shape.matrix(rows, cols);
        List<Parameter> params = TestProblems.parameters(backend, 7, shape);
        Parameter param = params.get(0);
        Map<String, Object> config = Map.of("lr", 0.01, "momentum", momentum, "damping", 0.05, "beta", 0.9,
                "update_every", every, "max_side", maxSide);
        Reference ref = new Reference(rows, cols, maxSide, 0.01, momentum, 0.05, 0.9, every, param.value().toArray());
        Random random = new Random(rows * 31L + cols + maxSide);
        try (KfacOptimizer opt = new Kfac().create(backend, ParameterSet.of(params), config)) {
            for (int step = 0; step < 7; step++) {
                float[] g = new float[rows * cols];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) (random.nextGaussian() * (1 + i % 3));
                }
                param.gradient().copyFrom(g);
                opt.step();
                ref.step(g);
                float[] actual = param.value().toArray();
                for (int i = 0; i < actual.length; i++) {
                    assertEquals(ref.p[i], actual[i], 2e-5 * (1 + Math.abs(ref.p[i])), "step " + (step + 1) + " element " + i);
                }
            }
        }
    }

    @Test
    void isotropicStatisticsGiveNormalizedSgd() {
        // One step on a 2 x 2 parameter with G = diag(3, 3): L = R = 9 I, the normalized damped factors
        // are I, so the step is lr*sqrt(d)*G/|G| = 0.1*2*(1, 0, 0, 1)/sqrt 2.
        List<Parameter> params = TestProblems.parameters(backend, 1, Shape.matrix(2, 2));
        Parameter p = params.get(0);
        float[] before = p.value().toArray();
        try (KfacOptimizer opt = new Kfac().create(backend, ParameterSet.of(params), Map.of("lr", 0.1, "damping", 0.25))) {
            p.gradient().copyFrom(new float[] {3, 0, 0, 3});
            opt.step();
        }
        float[] after = p.value().toArray();
        double expected = 0.1 * 2 / Math.sqrt(2);
        assertArrayEquals(new double[] {expected, 0, 0, expected},
                new double[] {before[0] - after[0], before[1] - after[1], before[2] - after[2], before[3] - after[3]}, 1e-6);
    }

    @Test
    void aLoadedStateContinuesIdentically() {
        List<Parameter> a = TestProblems.parameters(backend, 3, Shape.matrix(2, 3), Shape.vector(4));
        List<Parameter> b = TestProblems.parameters(backend, 3, Shape.matrix(2, 3), Shape.vector(4));
        Map<String, Object> config = Map.of("lr", 0.05, "momentum", 0.5, "update_every", 3);
        try (KfacOptimizer first = new Kfac().create(backend, ParameterSet.of(a), config);
             KfacOptimizer second = new Kfac().create(backend, ParameterSet.of(b), config)) {
            Random random = new Random(3);
            for (int k = 0; k < 4; k++) {
                randomGradients(a, random);
                first.step();
            }
            StateDict state = first.state();
            second.loadState(state);
            for (int i = 0; i < a.size(); i++) {
                b.get(i).value().copyFrom(a.get(i).value().toArray());
            }
            for (int k = 0; k < 5; k++) {
                long seed = random.nextLong();
                randomGradients(a, new Random(seed));
                randomGradients(b, new Random(seed));
                first.step();
                second.step();
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray(), 0f);
                }
            }
        }
    }

    private static void randomGradients(List<Parameter> params, Random random) {
        for (Parameter p : params) {
            float[] g = new float[p.gradient().shape().size()];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) random.nextGaussian();
            }
            p.gradient().copyFrom(g);
        }
    }
}
