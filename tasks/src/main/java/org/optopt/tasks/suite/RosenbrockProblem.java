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
 * DeepOBS's noisy two-dimensional Rosenbrock problem: per-example loss
 * {@code (1-u)^2 + 100 (v-u^2)^2 + u x + v y} with {@code x, y ~ N(0, 1)}, start {@code (u, v) = (-0.5, 1.5)}.
 * The mini-batch loss uses the batch means of x and y; the expected loss is the Rosenbrock
 * function itself (minimum 0 at (1, 1)). A nominal epoch is 10,000 examples (DeepOBS's training set).
 */
final class RosenbrockProblem extends StreamProblem {
    private final Parameter u;
    private final Parameter v;
    private final Tensor meanX;
    private final Tensor meanY;

    RosenbrockProblem(Backend backend, int batchSize, long seed) {
        super(new ParameterStore(backend), batchSize, 10_000, seed);
        this.u = params.add("u", backend.full(Shape.vector(1), -0.5f));
        this.v = params.add("v", backend.full(Shape.vector(1), 1.5f));
        this.meanX = backend.zeros(Shape.vector(1));
        this.meanY = backend.zeros(Shape.vector(1));
    }

    @Override
    protected void drawBatch(SplittableRandom random) {
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < batchSize(); i++) {
            sx += random.nextGaussian();
            sy += random.nextGaussian();
        }
        meanX.copyFrom(new float[] {(float) (sx / batchSize())});
        meanY.copyFrom(new float[] {(float) (sy / batchSize())});
    }

    @Override
    protected Var batchLoss(Tape tape) {
        Var uu = ParameterStore.bind(tape, u);
        Var vv = ParameterStore.bind(tape, v);
        Var a = Elementwise.square(Elementwise.shift(Elementwise.scale(uu, -1), 1));
        Var b = Elementwise.scale(Elementwise.square(Elementwise.sub(vv, Elementwise.square(uu))), 100);
        Var noise = Elementwise.add(Elementwise.mul(uu, tape.constant(meanX)), Elementwise.mul(vv, tape.constant(meanY)));
        return Sums.sum(Elementwise.add(Elementwise.add(a, b), noise));
    }

    @Override
    protected double expectedLoss() {
        double x = u.value().item();
        double y = v.value().item();
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }

    @Override
    protected void closeData() {
        meanX.close();
        meanY.close();
    }
}
