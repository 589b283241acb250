package org.optopt.tasks.suite;

import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.Sums;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;
import org.optopt.tasks.nn.ParameterStore;

/**
 * The noisy quadratic model (Zhang et al. 2019, "Which algorithmic choices matter at which batch
 * sizes?"): a diagonal quadratic with curvatures {@code h_i = 1/i}, {@code i = 1..d}, whose
 * per-example loss is {@code l(theta; c) = 0.5 sum_i h_i (theta_i - c_i)^2} with
 * {@code c_i ~ N(0, 1/h_i)}, so that the mini-batch gradient {@code h (theta - mean c)} has
 * covariance {@code H/B}. The expected loss is closed-form:
 * {@code E l = 0.5 sum_i h_i theta_i^2 + d/2}. Start: {@code theta = 1}.
 */
final class NoisyQuadraticProblem extends StreamProblem {
    private final int dim;
    private final float[] curvature;
    private final float[] noise;
    private final Parameter theta;
    private final Tensor batch;
    private final Tensor h;

    NoisyQuadraticProblem(Backend backend, int dim, int batchSize, long seed) {
        super(new ParameterStore(backend), batchSize, 1000, seed);
        this.dim = dim;
        this.curvature = new float[dim];
        for (int i = 0; i < dim; i++) {
            curvature[i] = 1f / (i + 1);
        }
        this.noise = new float[batchSize * dim];
        this.theta = params.add("theta", backend.full(Shape.matrix(1, dim), 1f));
        this.batch = backend.zeros(Shape.matrix(batchSize, dim));
        this.h = backend.fromArray(curvature, Shape.matrix(1, dim));
    }

    @Override
    protected void drawBatch(SplittableRandom random) {
        for (int b = 0; b < batchSize(); b++) {
            for (int i = 0; i < dim; i++) {
                noise[b * dim + i] = (float) (random.nextGaussian() / Math.sqrt(curvature[i]));
            }
        }
        batch.copyFrom(noise);
    }

    @Override
    protected Var batchLoss(Tape tape) {
        Var diff = Elementwise.sub(ParameterStore.bind(tape, theta), tape.constant(batch));
        Var weighted = Elementwise.mul(Elementwise.square(diff), tape.constant(h));
        return Elementwise.scale(Sums.sum(weighted), 0.5 / batchSize());
    }

    @Override
    protected double expectedLoss() {
        float[] t = theta.value().toArray();
        double s = 0;
        for (int i = 0; i < dim; i++) {
            s += curvature[i] * (double) t[i] * t[i];
        }
        return 0.5 * s + 0.5 * dim;
    }

    @Override
    protected void closeData() {
        batch.close();
        h.close();
    }
}
