package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;

/**
 * Checks reverse-mode gradients against central finite differences. The scalar checked is
 * {@code L = sum(w * f(inputs))} with fixed random weights w, so every output element matters.
 * The differences of L are taken in double from float32 forward passes, with step 1e-2: for O(1)
 * values the truncation error is ~1e-5 and the rounding error ~1e-5, far inside the tolerance
 * {@code 2e-3 + 1e-2 |g|}.
 */
final class GradCheck {
    static final double STEP = 1e-2;

    private GradCheck() {}

    static Backend backend() {
        return new ReferenceBackend();
    }

    /** Uniform values in [-1, 1). */
    static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    /** Values at least 0.2 away from 0 (for kinks at 0), magnitudes in [0.2, 1.2). */
    static float[] awayFromZero(int n, long seed) {
        float[] a = uniform(n, seed);
        for (int i = 0; i < n; i++) {
            a[i] = Math.copySign(0.2f + Math.abs(a[i]), a[i]);
        }
        return a;
    }

    /** Distinct values spaced 0.05 apart in random order (no near-ties, for max). */
    static float[] distinct(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (0.05 * (i - n / 2.0));
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /**
     * Compares the tape's gradient of {@code sum(w * f(x...))} for every input with central
     * differences, element by element.
     */
    static void check(Backend be, Function<Var[], Var> f, Tensor... inputs) {
        Shape outShape;
        float[] w;
        double[][] analytic = new double[inputs.length][];
        try (Tape tape = new Tape(be)) {
            Var[] vars = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                vars[i] = tape.variable(inputs[i]);
            }
            Var out = f.apply(vars);
            outShape = out.shape();
            w = uniform(outShape.size(), 99);
            Var loss = Sums.sum(Elementwise.mul(out, tape.constant(be.fromArray(w, outShape))));
            tape.backward(loss);
            for (int i = 0; i < inputs.length; i++) {
                Tensor g = vars[i].grad();
                assertNotNull(g, "no gradient reached input " + i);
                analytic[i] = toDouble(g.toArray());
            }
        }
        for (int i = 0; i < inputs.length; i++) {
            float[] x = inputs[i].toArray();
            for (int j = 0; j < x.length; j++) {
                float orig = x[j];
                x[j] = (float) (orig + STEP);
                inputs[i].copyFrom(x);
                double plus = objective(be, f, inputs, w);
                x[j] = (float) (orig - STEP);
                inputs[i].copyFrom(x);
                double minus = objective(be, f, inputs, w);
                x[j] = orig;
                inputs[i].copyFrom(x);
                double numeric = (plus - minus) / (2 * STEP);
                double a = analytic[i][j];
                assertEquals(numeric, a, 2e-3 + 1e-2 * Math.abs(numeric),
                        "d/d input " + i + "[" + j + "]: analytic " + a + " vs finite difference " + numeric);
            }
        }
    }

    private static double objective(Backend be, Function<Var[], Var> f, Tensor[] inputs, float[] w) {
        try (Tape tape = new Tape(be)) {
            Var[] vars = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                vars[i] = tape.constant(inputs[i]);
            }
            float[] y = f.apply(vars).value().toArray();
            double s = 0;
            for (int k = 0; k < y.length; k++) {
                s += (double) w[k] * y[k];
            }
            return s;
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
