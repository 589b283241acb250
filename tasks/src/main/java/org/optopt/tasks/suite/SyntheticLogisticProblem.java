package org.optopt.tasks.suite;

import java.util.Map;
import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.LineBound;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.StepEnclosure;
import org.optopt.tasks.nn.ParameterStore;

/**
 * Full-batch L2-regularized logistic regression on fixed synthetic data, the deterministic problem
 * that line-search-like optimizers (SafeRate) are meant for: {@value #TRAIN} training and
 * {@value #TEST} test rows {@code x ~ N(0, I_20)}, labels {@code y = +-1} with
 * {@code P(y = 1) = sigmoid(x . w_true)}, {@code w_true ~ N(0, 4/20 I)} (data seed
 * {@value #DATA_SEED}), and
 * <pre>
 * F(w, b) = (1/N) sum_n softplus(-y_n (x_n . w + b)) + 0.5 lambda ||w||^2,   lambda = {@value #LAMBDA}
 * </pre>
 * starting from {@code w = 0, b = 0} (the seed only orders mini-batches when a smaller batch is
 * asked for). With the default batch, the whole training set, the closure carries the interval
 * Taylor enclosure of {@code F} along a direction ({@link StepEnclosure#softplus()}); a smaller
 * batch makes the loss stochastic and the closure has none. Evaluation: test loss (without the
 * decay term) and accuracy. Computed on the host in double.
 */
final class SyntheticLogisticProblem implements TrainingProblem {
    static final int TRAIN = 1000;
    static final int TEST = 1000;
    static final int DIMENSION = 20;
    static final double LAMBDA = 1e-3;
    static final long DATA_SEED = 2212_11429L;

    private final ParameterStore params;
    private final Parameter w;
    private final Parameter b;
    private final double[][] x = new double[TRAIN + TEST][DIMENSION];
    private final double[] y = new double[TRAIN + TEST];
    private final MiniBatchSampler sampler;
    private int[] batch;

    SyntheticLogisticProblem(Backend backend, long samplingSeed, int batchSize) {
        SplittableRandom data = new SplittableRandom(DATA_SEED);
        double[] truth = new double[DIMENSION];
        for (int j = 0; j < DIMENSION; j++) {
            truth[j] = data.nextGaussian() * Math.sqrt(4.0 / DIMENSION);
        }
        for (int n = 0; n < TRAIN + TEST; n++) {
            for (int j = 0; j < DIMENSION; j++) {
                x[n][j] = data.nextGaussian();
            }
            y[n] = data.nextDouble() < StepEnclosure.sigmoid(dot(x[n], truth, 0)) ? 1 : -1;
        }
        this.sampler = new MiniBatchSampler(TRAIN, batchSize, false, samplingSeed);
        this.params = new ParameterStore(backend);
        this.w = params.add("w", backend.zeros(Shape.vector(DIMENSION)));
        this.b = params.add("b", backend.zeros(Shape.vector(1)));
    }

    private static double dot(double[] a, double[] v, double bias) {
        double s = bias;
        for (int i = 0; i < v.length; i++) {
            s += a[i] * v[i];
        }
        return s;
    }

    private static double[] host(float[] f) {
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = f[i];
        }
        return v;
    }

    @Override
    public Backend backend() {
        return params.backend();
    }

    @Override
    public ParameterSet parameters() {
        return params.asParameterSet();
    }

    @Override
    public int batchSize() {
        return sampler.batchSize();
    }

    @Override
    public long stepsPerEpoch() {
        return sampler.batchesPerEpoch();
    }

    @Override
    public void nextBatch() {
        batch = sampler.next();
    }

    @Override
    public double lossAndGradient() {
        if (batch == null) {
            throw new IllegalStateException("lossAndGradient before the first nextBatch()");
        }
        double[] v = host(w.value().toArray());
        double bias = b.value().toArray()[0];
        double[] gw = new double[DIMENSION];
        double gb = 0;
        double loss = 0;
        for (int n : batch) {
            double margin = y[n] * dot(x[n], v, bias);
            loss += StepEnclosure.softplus(-margin);
            double coefficient = -y[n] * StepEnclosure.sigmoid(-margin); // d softplus(-m) / d(x.w + b)
            for (int j = 0; j < DIMENSION; j++) {
                gw[j] += coefficient * x[n][j];
            }
            gb += coefficient;
        }
        float[] outW = new float[DIMENSION];
        for (int j = 0; j < DIMENSION; j++) {
            outW[j] = (float) (gw[j] / batch.length + LAMBDA * v[j]);
        }
        w.gradient().copyFrom(outW);
        b.gradient().copyFrom(new float[] {(float) (gb / batch.length)});
        return loss / batch.length + 0.5 * LAMBDA * dot(v, v, 0);
    }

    /** With one batch per epoch (the full training set), a closure with the interval Taylor {@link #lineBound}. */
    @Override
    public Closure closure() {
        return stepsPerEpoch() > 1 ? TrainingProblem.super.closure() : Closure.of(this::lossAndGradient, this::lineBound);
    }

    /**
     * {@code F(w + eta dw, b + eta db)} on the current batch: each margin's negation
     * {@code -y_n (x_n . w + b) - eta y_n (x_n . dw + db)} is affine in {@code eta}, its softplus
     * enclosed by {@link StepEnclosure#softplus()}, plus the exact decay term.
     */
    private LineBound lineBound(Map<String, float[]> direction, double maxStep) {
        double[] v = host(w.value().toArray());
        double bias = b.value().toArray()[0];
        double[] dw = direction.containsKey(w.name()) ? host(direction.get(w.name())) : new double[DIMENSION];
        double db = direction.containsKey(b.name()) ? direction.get(b.name())[0] : 0;
        StepEnclosure losses = StepEnclosure.affine(0, 0, maxStep);
        for (int n : batch) {
            losses = losses.plus(StepEnclosure.affine(-y[n] * dot(x[n], v, bias), -y[n] * dot(x[n], dw, db), maxStep)
                    .softplus());
        }
        StepEnclosure decay = StepEnclosure.quadratic(dot(v, v, 0), 2 * dot(v, dw, 0), dot(dw, dw, 0), maxStep);
        return losses.times(1.0 / batch.length).plus(decay.times(0.5 * LAMBDA)).toLineBound();
    }

    @Override
    public Evaluation evaluate() {
        double[] v = host(w.value().toArray());
        double bias = b.value().toArray()[0];
        double loss = 0;
        int correct = 0;
        for (int n = TRAIN; n < TRAIN + TEST; n++) {
            double margin = y[n] * dot(x[n], v, bias);
            loss += StepEnclosure.softplus(-margin);
            correct += margin > 0 ? 1 : 0;
        }
        return new Evaluation(loss / TEST, (double) correct / TEST);
    }

    @Override
    public void close() {
        params.close();
    }
}
