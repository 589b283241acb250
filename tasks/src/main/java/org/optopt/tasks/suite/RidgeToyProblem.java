package org.optopt.tasks.suite;

import java.util.Map;
import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.LineBound;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.StepEnclosure;
import org.optopt.tasks.nn.ParameterStore;

/**
 * Paper C's ridge regression toy (SEEDS.md C.3): a fixed data set of {@value #EXAMPLES} rows
 * {@code x ~ N(0, I_20)}, {@code y = x . w_true + 0.5 e} with {@code w_true, e ~ N(0, 1)} (data
 * seed {@value #DATA_SEED}), and the objective
 * <pre>
 * F(w) = (1/N) sum_n 0.5 (x_n . w - y_n)^2 + 0.5 lambda ||w||^2,   lambda = {@value #LAMBDA}
 * </pre>
 * A mini-batch loss is the same mean over the batch's rows (drawn without replacement, reshuffled
 * each epoch). Evaluation reports the suboptimality {@code F(w) - F*}, with {@code F*} from the
 * normal equations solved in double. The initial {@code w ~ N(0, I)} comes from the init seed.
 * The model is linear and tiny, so losses and gradients are computed on the host in double.
 */
final class RidgeToyProblem extends SampledProblem {
    static final int EXAMPLES = 2000;
    static final int DIMENSION = 20;
    static final double LAMBDA = 0.01;
    static final long DATA_SEED = 2508_01764L;

    private final Parameter w;
    private final double[][] x = new double[EXAMPLES][DIMENSION];
    private final double[] y = new double[EXAMPLES];
    private final double optimum;

    RidgeToyProblem(Backend backend, long initSeed, long samplingSeed, int batchSize) {
        super(new ParameterStore(backend), new MiniBatchSampler(EXAMPLES, batchSize, false, samplingSeed));
        SplittableRandom data = new SplittableRandom(DATA_SEED);
        double[] truth = new double[DIMENSION];
        for (int j = 0; j < DIMENSION; j++) {
            truth[j] = data.nextGaussian();
        }
        for (int n = 0; n < EXAMPLES; n++) {
            double dot = 0;
            for (int j = 0; j < DIMENSION; j++) {
                x[n][j] = data.nextGaussian();
                dot += x[n][j] * truth[j];
            }
            y[n] = dot + 0.5 * data.nextGaussian();
        }
        this.optimum = objective(solveNormalEquations());
        SplittableRandom init = new SplittableRandom(initSeed);
        float[] w0 = new float[DIMENSION];
        for (int j = 0; j < DIMENSION; j++) {
            w0[j] = (float) init.nextGaussian();
        }
        this.w = params.add("w", backend.fromArray(w0, Shape.vector(DIMENSION)));
    }

    /** F at {@code v}, in double. */
    private double objective(double[] v) {
        double sum = 0;
        for (int n = 0; n < EXAMPLES; n++) {
            double e = dot(x[n], v) - y[n];
            sum += 0.5 * e * e;
        }
        return sum / EXAMPLES + 0.5 * LAMBDA * dot(v, v);
    }

    /** The minimizer of F: (X^T X / N + lambda I) w = X^T y / N, by Gaussian elimination. */
    private double[] solveNormalEquations() {
        double[][] a = new double[DIMENSION][DIMENSION + 1];
        for (int n = 0; n < EXAMPLES; n++) {
            for (int i = 0; i < DIMENSION; i++) {
                for (int j = 0; j < DIMENSION; j++) {
                    a[i][j] += x[n][i] * x[n][j] / EXAMPLES;
                }
                a[i][DIMENSION] += x[n][i] * y[n] / EXAMPLES;
            }
        }
        for (int i = 0; i < DIMENSION; i++) {
            a[i][i] += LAMBDA;
        }
        for (int k = 0; k < DIMENSION; k++) {
            for (int i = k + 1; i < DIMENSION; i++) {
                double f = a[i][k] / a[k][k];
                for (int j = k; j <= DIMENSION; j++) {
                    a[i][j] -= f * a[k][j];
                }
            }
        }
        double[] out = new double[DIMENSION];
        for (int i = DIMENSION - 1; i >= 0; i--) {
            double s = a[i][DIMENSION];
            for (int j = i + 1; j < DIMENSION; j++) {
                s -= a[i][j] * out[j];
            }
            out[i] = s / a[i][i];
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private double[] weights() {
        float[] f = w.value().toArray();
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = f[i];
        }
        return v;
    }

    /** F*, the minimum of the objective. */
    double optimum() {
        return optimum;
    }

    @Override
    public double lossAndGradient() {
        int[] batch = batch();
        double[] v = weights();
        double[] g = new double[DIMENSION];
        double loss = 0;
        for (int n : batch) {
            double e = dot(x[n], v) - y[n];
            loss += 0.5 * e * e;
            for (int j = 0; j < DIMENSION; j++) {
                g[j] += e * x[n][j];
            }
        }
        float[] out = new float[DIMENSION];
        for (int j = 0; j < DIMENSION; j++) {
            out[j] = (float) (g[j] / batch.length + LAMBDA * v[j]);
        }
        w.gradient().copyFrom(out);
        return loss / batch.length + 0.5 * LAMBDA * dot(v, v);
    }

    /** With one batch per epoch (the full data), a closure with the exact {@link #lineBound}. */
    @Override
    public Closure closure() {
        return stepsPerEpoch() > 1 ? super.closure() : Closure.of(this::lossAndGradient, this::lineBound);
    }

    /**
     * {@code F(w + eta d)} on the current batch, a quadratic in {@code eta}: the residuals
     * {@code e_n + eta x_n.d} squared and the decay term, through {@link StepEnclosure} (exact here).
     */
    private LineBound lineBound(Map<String, float[]> direction, double maxStep) {
        double[] v = weights();
        double[] d = new double[DIMENSION];
        float[] given = direction.get(w.name());
        for (int j = 0; given != null && j < DIMENSION; j++) {
            d[j] = given[j];
        }
        StepEnclosure residuals = StepEnclosure.affine(0, 0, maxStep);
        int[] batch = batch();
        for (int n : batch) {
            residuals = residuals.plus(StepEnclosure.affine(dot(x[n], v) - y[n], dot(x[n], d), maxStep).square());
        }
        StepEnclosure decay = StepEnclosure.quadratic(dot(v, v), 2 * dot(v, d), dot(d, d), maxStep);
        return residuals.times(0.5 / batch.length).plus(decay.times(0.5 * LAMBDA)).toLineBound();
    }

    @Override
    public Evaluation evaluate() {
        return Evaluation.lossOnly(objective(weights()) - optimum);
    }

    @Override
    public void close() {
        params.close();
    }
}
