package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.optopt.tasks.autodiff.GradCheck.check;
import static org.optopt.tasks.autodiff.GradCheck.uniform;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class LinalgTest {
    private final Backend be = GradCheck.backend();

    @Test
    void matmulWithEveryTransposeCombination() {
        for (int mask = 0; mask < 4; mask++) {
            boolean ta = (mask & 1) != 0;
            boolean tb = (mask & 2) != 0;
            Tensor a = be.fromArray(uniform(6, 20 + mask), ta ? Shape.matrix(3, 2) : Shape.matrix(2, 3));
            Tensor b = be.fromArray(uniform(12, 30 + mask), tb ? Shape.matrix(4, 3) : Shape.matrix(3, 4));
            check(be, v -> Linalg.matmul(v[0], ta, v[1], tb), a, b);
            float[] av = a.toArray();
            float[] bv = b.toArray();
            try (Tape tape = new Tape(be)) {
                float[] c = Linalg.matmul(tape.constant(a), ta, tape.constant(b), tb).value().toArray();
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 4; j++) {
                        double acc = 0;
                        for (int k = 0; k < 3; k++) {
                            acc += (double) (ta ? av[k * 2 + i] : av[i * 3 + k]) * (tb ? bv[j * 3 + k] : bv[k * 4 + j]);
                        }
                        assertEquals(acc, c[i * 4 + j], 1e-6);
                    }
                }
            }
        }
    }

    @Test
    void affineMatchesDefinitionAndGradients() {
        Tensor x = be.fromArray(uniform(10, 40), Shape.matrix(5, 2));
        Tensor w = be.fromArray(uniform(6, 41), Shape.matrix(3, 2));
        Tensor b = be.fromArray(uniform(3, 42), Shape.vector(3));
        check(be, v -> Linalg.affine(v[0], v[1], v[2]), x, w, b);
        check(be, v -> Linalg.affine(v[0], v[1], null), x, w);
        float[] xv = x.toArray();
        float[] wv = w.toArray();
        float[] bv = b.toArray();
        try (Tape tape = new Tape(be)) {
            float[] y = Linalg.affine(tape.constant(x), tape.constant(w), tape.constant(b)).value().toArray();
            for (int i = 0; i < 5; i++) {
                for (int o = 0; o < 3; o++) {
                    double acc = bv[o] + (double) xv[i * 2] * wv[o * 2] + (double) xv[i * 2 + 1] * wv[o * 2 + 1];
                    assertEquals(acc, y[i * 3 + o], 1e-6);
                }
            }
            Tensor badBias = be.zeros(Shape.vector(4));
            assertThrows(IllegalArgumentException.class,
                    () -> Linalg.affine(tape.constant(x), tape.constant(w), tape.constant(badBias)));
        }
    }
}
