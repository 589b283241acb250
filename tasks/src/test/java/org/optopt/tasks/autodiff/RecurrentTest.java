package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.tasks.autodiff.GradCheck.check;
import static org.optopt.tasks.autodiff.GradCheck.uniform;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * {@link Recurrent#lstm}: forward and backward through time against the LSTM written out in double
 * precision, finite differences, the accuracy of its sigmoid, pooling and errors.
 */
class RecurrentTest {
    private final Backend be = GradCheck.backend();

    private static float[] scaled(float[] a, float s) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
        return a;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** The layer in double: outputs, and the gradients of {@code sum(out * r)} for p and w. */
    private record Reference(double[] out, double[] gp, double[] gw) {
        static Reference of(float[] p, float[] w, float[] r, int steps, int n, int hid) {
            int g4 = 4 * hid;
            double[][][] gate = new double[steps][n][g4];
            double[][][] c = new double[steps + 1][n][hid];
            double[][][] h = new double[steps + 1][n][hid];
            double[] out = new double[steps * n * hid];
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < g4; j++) {
                        double z = p[(t * n + i) * g4 + j];
                        for (int q = 0; q < hid; q++) {
                            z += w[j * hid + q] * h[t][i][q];
                        }
                        gate[t][i][j] = j / hid == 2 ? Math.tanh(z) : sigmoid(z);
                    }
                    for (int q = 0; q < hid; q++) {
                        double[] a = gate[t][i];
                        c[t + 1][i][q] = a[hid + q] * c[t][i][q] + a[q] * a[2 * hid + q];
                        h[t + 1][i][q] = a[3 * hid + q] * Math.tanh(c[t + 1][i][q]);
                        out[(t * n + i) * hid + q] = h[t + 1][i][q];
                    }
                }
            }
            double[] gp = new double[p.length];
            double[] gw = new double[w.length];
            double[][] dhNext = new double[n][hid];
            double[][] dcNext = new double[n][hid];
            for (int t = steps - 1; t >= 0; t--) {
                double[][] dz = new double[n][g4];
                for (int i = 0; i < n; i++) {
                    double[] a = gate[t][i];
                    for (int q = 0; q < hid; q++) {
                        double dh = r[(t * n + i) * hid + q] + dhNext[i][q];
                        double tc = Math.tanh(c[t + 1][i][q]);
                        double ig = a[q];
                        double fg = a[hid + q];
                        double gg = a[2 * hid + q];
                        double og = a[3 * hid + q];
                        double dc = dcNext[i][q] + dh * og * (1 - tc * tc);
                        dz[i][q] = dc * gg * ig * (1 - ig);
                        dz[i][hid + q] = dc * c[t][i][q] * fg * (1 - fg);
                        dz[i][2 * hid + q] = dc * ig * (1 - gg * gg);
                        dz[i][3 * hid + q] = dh * tc * og * (1 - og);
                        dcNext[i][q] = dc * fg;
                    }
                }
                for (int i = 0; i < n; i++) {
                    for (int q = 0; q < hid; q++) {
                        double s = 0;
                        for (int j = 0; j < g4; j++) {
                            s += dz[i][j] * w[j * hid + q];
                        }
                        dhNext[i][q] = s;
                    }
                    for (int j = 0; j < g4; j++) {
                        gp[(t * n + i) * g4 + j] = dz[i][j];
                        for (int q = 0; q < hid; q++) {
                            gw[j * hid + q] += dz[i][j] * h[t][i][q];
                        }
                    }
                }
            }
            return new Reference(out, gp, gw);
        }
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-5 * (1 + Math.abs(expected[i])), what + " element " + i);
        }
    }

    @Test
    void forwardAndBackwardThroughTimeMatchTheLstmInDouble() {
        // odd shapes: 3 sequences, hidden 5; pre-activations up to +-4 so that gates saturate
        for (int steps : new int[] {1, 2, 7}) {
            int n = 3;
            int hid = 5;
            float[] p = scaled(uniform(steps * n * 4 * hid, 1 + steps), 4f);
            float[] w = scaled(uniform(4 * hid * hid, 2 + steps), 0.8f);
            float[] r = uniform(steps * n * hid, 3 + steps);
            Reference ref = Reference.of(p, w, r, steps, n, hid);
            try (Tape tape = new Tape(be); Tensor pt = be.fromArray(p, Shape.matrix(steps * n, 4 * hid));
                    Tensor wt = be.fromArray(w, Shape.matrix(4 * hid, hid));
                    Tensor rt = be.fromArray(r, Shape.matrix(steps * n, hid))) {
                Var pv = tape.variable(pt);
                Var wv = tape.variable(wt);
                Var out = Recurrent.lstm(pv, wv, steps);
                assertClose(ref.out(), out.value().toArray(), steps + " steps: output");
                tape.backward(Sums.sum(Elementwise.mul(out, tape.constant(rt))));
                assertClose(ref.gp(), pv.grad().toArray(), steps + " steps: projection gradient");
                assertClose(ref.gw(), wv.grad().toArray(), steps + " steps: recurrent weight gradient");
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        int steps = 3;
        int n = 2;
        int hid = 3;
        check(be, v -> Recurrent.lstm(v[0], v[1], steps),
                be.fromArray(scaled(uniform(steps * n * 4 * hid, 11), 2f), Shape.matrix(steps * n, 4 * hid)),
                be.fromArray(uniform(4 * hid * hid, 12), Shape.matrix(4 * hid, hid)));
    }

    @Test
    void onlyTheNeededGradientsAreComputed() {
        int steps = 4;
        int n = 3;
        int hid = 2;
        float[] p = uniform(steps * n * 4 * hid, 21);
        float[] w = uniform(4 * hid * hid, 22);
        float[] r = uniform(steps * n * hid, 23);
        Reference ref = Reference.of(p, w, r, steps, n, hid);
        try (Tape tape = new Tape(be); Tensor pt = be.fromArray(p, Shape.matrix(steps * n, 4 * hid));
                Tensor wt = be.fromArray(w, Shape.matrix(4 * hid, hid));
                Tensor rt = be.fromArray(r, Shape.matrix(steps * n, hid))) {
            Var wv = tape.variable(wt);
            Var out = Recurrent.lstm(tape.constant(pt), wv, steps);
            tape.backward(Sums.sum(Elementwise.mul(out, tape.constant(rt))));
            assertClose(ref.gw(), wv.grad().toArray(), "recurrent weight gradient alone");
            tape.reset();
            Var pv = tape.variable(pt);
            out = Recurrent.lstm(pv, tape.constant(wt), steps);
            tape.backward(Sums.sum(Elementwise.mul(out, tape.constant(rt))));
            assertClose(ref.gp(), pv.grad().toArray(), "projection gradient alone");
        }
    }

    /**
     * The gates' sigmoid {@code 1/2 + tanh(x/2)/2} against the exact one at 1.05M floats (every
     * 4099th bit pattern, which covers every exponent, and a grid over [-20, 20]): within 2.3e-7,
     * the bound an exhaustive sweep of all floats found (at x = 6.19, from tanh's error near 1).
     */
    @Test
    void gateSigmoidIsWithinItsBoundOfTheExactSigmoid() {
        int sampled = (int) ((1L << 32) / 4099);
        int grid = 40_001;
        float[] x = new float[sampled + grid];
        int k = 0;
        for (long bits = 0; k < sampled; bits += 4099) {
            float v = Float.intBitsToFloat((int) bits);
            x[k++] = Float.isNaN(v) ? 0f : v;
        }
        for (int i = 0; i < grid; i++) {
            x[k++] = -20f + i * 1e-3f;
        }
        float[] zero = new float[x.length];
        try (Tape tape = new Tape(be); Tensor i = be.fromArray(x, Shape.vector(x.length));
                Tensor f = be.fromArray(zero, Shape.vector(x.length));
                Tensor g = be.fromArray(x, Shape.vector(x.length));
                Tensor o = be.fromArray(zero, Shape.vector(x.length))) {
            tape.run(Recurrent.ACTIVATE, "i", i, "f", f, "g", g, "o", o);
            float[] s = i.toArray();
            float[] t = g.toArray();
            double worst = 0;
            for (int j = 0; j < x.length; j++) {
                worst = Math.max(worst, Math.abs(s[j] - sigmoid(x[j])));
                assertEquals(Math.tanh(x[j]), t[j], 8 * Math.ulp((float) Math.tanh(x[j])) + 1e-30, "tanh at " + x[j]);
            }
            assertTrue(worst <= 2.3e-7, "largest sigmoid error " + worst);
            assertTrue(worst > 1e-7, "the sample should reach near the bound, got " + worst);
            assertEquals(0.5f, f.toArray()[0], "sigmoid(0)");
        }
    }

    @Test
    void aSecondStepOfTheSameShapesReusesPooledTensors() {
        int steps = 5;
        int n = 2;
        int hid = 3;
        try (Tape tape = new Tape(be); Tensor pt = be.fromArray(uniform(steps * n * 4 * hid, 31),
                Shape.matrix(steps * n, 4 * hid)); Tensor wt = be.fromArray(uniform(4 * hid * hid, 32),
                Shape.matrix(4 * hid, hid))) {
            int[] held = new int[2];
            for (int round = 0; round < 2; round++) {
                Var wv = tape.variable(wt);
                tape.backward(Sums.sum(Recurrent.lstm(tape.variable(pt), wv, steps)));
                tape.reset();
                held[round] = tape.heldTensors();
            }
            assertEquals(held[0], held[1], "tensors held after each step");
        }
    }

    @Test
    void mismatchedShapesAreRejected() {
        try (Tape tape = new Tape(be)) {
            Var p = tape.constant(be.zeros(Shape.matrix(6, 8)));
            Var w = tape.constant(be.zeros(Shape.matrix(8, 2)));
            assertEquals(Shape.matrix(6, 2), Recurrent.lstm(p, w, 3).shape());
            assertThrows(IllegalArgumentException.class, () -> Recurrent.lstm(p, w, 4));
            assertThrows(IllegalArgumentException.class, () -> Recurrent.lstm(p, w, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> Recurrent.lstm(p, tape.constant(be.zeros(Shape.matrix(8, 3))), 3));
            assertThrows(IllegalArgumentException.class,
                    () -> Recurrent.lstm(tape.constant(be.zeros(Shape.matrix(6, 12))), w, 3));
        }
    }
}
