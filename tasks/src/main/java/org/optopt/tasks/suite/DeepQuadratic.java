package org.optopt.tasks.suite;

import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.nn.ParameterStore;

/**
 * DeepOBS's {@code quadratic_deep}: per-example loss {@code 0.5 (theta - x)^T Q (theta - x)} in 100
 * dimensions, with {@code Q = R^T diag(lambda) R}, 90 eigenvalues uniform in (0, 1) and 10 uniform in
 * (30, 60), R a Haar-random rotation; data x ~ N(0, 0.6^2 I), 1000 training and 1000 test points;
 * {@code theta} starts at 1; incomplete final batches are dropped. DeepOBS draws these with NumPy
 * (seeds 42 and 43); here they come from {@link SplittableRandom} with the same seeds: the same
 * distributions, not the same numbers.
 */
final class DeepQuadratic {
    static final int DIM = 100;
    static final int POINTS = 1000;
    static final double NOISE = 0.6;

    /** The fixed Hessian and data sets, row-major. */
    record Data(float[] hessian, double[] eigenvalues, float[] train, float[] test) {}

    private DeepQuadratic() {}

    static Data data() {
        SplittableRandom r = new SplittableRandom(42);
        double[] eigenvalues = new double[DIM];
        for (int i = 0; i < DIM; i++) {
            eigenvalues[i] = i < 90 ? r.nextDouble() : 30 + 30 * r.nextDouble();
        }
        float[] q = Quadratics.spectral(Quadratics.haarOrthogonal(DIM, r), eigenvalues);
        return new Data(q, eigenvalues, gaussian(r), gaussian(new SplittableRandom(43)));
    }

    private static float[] gaussian(SplittableRandom r) {
        float[] x = new float[POINTS * DIM];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (NOISE * r.nextGaussian());
        }
        return x;
    }

    static TrainingProblem problem(Backend backend, long samplingSeed, int batchSize) {
        Data d = data();
        ParameterStore params = new ParameterStore(backend);
        Parameter theta = params.add("theta", backend.full(Shape.matrix(1, DIM), 1f));
        var q = backend.fromArray(d.hessian(), Shape.matrix(DIM, DIM));
        return new DatasetProblem(params, x -> Elementwise.sub(ParameterStore.bind(x.tape(), theta), x),
                Heads.quadraticForm(q), backend.fromArray(d.train(), Shape.matrix(POINTS, DIM)),
                backend.fromArray(d.test(), Shape.matrix(POINTS, DIM)),
                new MiniBatchSampler(POINTS, batchSize, true, samplingSeed), q);
    }
}
