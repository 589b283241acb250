package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Tensor;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

/**
 * Compares the gradients a model's backward pass writes into its {@link ParameterStore} with central
 * differences of the loss, on a seeded sample of entries of every parameter.
 */
final class ModelGradCheck {
    private ModelGradCheck() {}

    static void check(Backend be, ParameterStore params, Function<Tape, Var> loss, int entriesPerParameter, double step) {
        params.zeroGrads();
        try (Tape tape = new Tape(be)) {
            tape.backward(loss.apply(tape));
        }
        SplittableRandom r = new SplittableRandom(5);
        for (Parameter p : params.list()) {
            float[] g = p.gradient().toArray();
            float[] v = p.value().toArray();
            for (int k = 0; k < Math.min(entriesPerParameter, v.length); k++) {
                int j = r.nextInt(v.length);
                float orig = v[j];
                v[j] = (float) (orig + step);
                p.value().copyFrom(v);
                double plus = value(be, loss);
                v[j] = (float) (orig - step);
                p.value().copyFrom(v);
                double minus = value(be, loss);
                v[j] = orig;
                p.value().copyFrom(v);
                double numeric = (plus - minus) / (2 * step);
                assertEquals(numeric, g[j], 2e-3 + 2e-2 * Math.abs(numeric),
                        p.name() + "[" + j + "]: analytic " + g[j] + " vs finite difference " + numeric);
            }
        }
    }

    private static double value(Backend be, Function<Tape, Var> loss) {
        try (Tape tape = new Tape(be)) {
            return loss.apply(tape).value().item();
        }
    }

    static Tensor uniform(Backend be, org.optopt.api.tensor.Shape shape, long seed) {
        return be.randomUniform(shape, -1, 1, seed);
    }
}
