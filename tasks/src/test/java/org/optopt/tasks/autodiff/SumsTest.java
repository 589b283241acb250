package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.optopt.tasks.autodiff.GradCheck.check;
import static org.optopt.tasks.autodiff.GradCheck.uniform;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class SumsTest {
    private final Backend be = GradCheck.backend();

    @Test
    void totalsAndTheirGradients() {
        float[] data = uniform(12, 11);
        Tensor x = be.fromArray(data, Shape.of(2, 2, 3));
        double s = 0;
        for (float v : data) {
            s += v;
        }
        try (Tape tape = new Tape(be)) {
            assertEquals(s, Sums.sum(tape.constant(x)).value().item(), 1e-5);
            assertEquals(s / 12, Sums.mean(tape.constant(x)).value().item(), 1e-6);
        }
        check(be, v -> Sums.sum(v[0]), x);
        check(be, v -> Sums.mean(v[0]), x);
    }

    @Test
    void aNonFiniteUpstreamGradientPropagatesInsteadOfFailing() {
        try (Tape tape = new Tape(be)) {
            Var x = tape.variable(be.fromArray(new float[] {1, 2}, Shape.vector(2)));
            Var inner = Sums.sum(x);
            Var nan = tape.constant(be.fromArray(new float[] {Float.NaN}, Shape.scalar()));
            tape.backward(Sums.sum(Elementwise.mul(inner, nan)));
            float[] g = x.grad().toArray();
            org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(g[0]) && Float.isNaN(g[1]));
        }
    }

    @Test
    void alongAxis() {
        float[] data = uniform(24, 12);
        Tensor x = be.fromArray(data, Shape.of(2, 3, 4));
        try (Tape tape = new Tape(be)) {
            Var m = Sums.mean(tape.constant(x), 1);
            assertEquals(Shape.matrix(2, 4), m.shape());
            float[] expected = new float[8];
            for (int a = 0; a < 2; a++) {
                for (int c = 0; c < 4; c++) {
                    double acc = 0;
                    for (int b = 0; b < 3; b++) {
                        acc += data[(a * 3 + b) * 4 + c];
                    }
                    expected[a * 4 + c] = (float) (acc / 3);
                }
            }
            assertArrayEquals(expected, m.value().toArray(), 1e-6f);
        }
        for (int axis = -3; axis < 3; axis++) {
            int ax = axis;
            check(be, v -> Sums.sum(v[0], ax), x);
            check(be, v -> Sums.mean(v[0], ax), x);
        }
    }
}
