package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.optopt.tasks.autodiff.GradCheck.check;
import static org.optopt.tasks.autodiff.GradCheck.uniform;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class LossesTest {
    private final Backend be = GradCheck.backend();
    private final int[] labels = {2, 0, 3};

    private Tensor logits() {
        float[] a = uniform(12, 60);
        for (int i = 0; i < a.length; i++) {
            a[i] *= 3;
        }
        return be.fromArray(a, Shape.matrix(3, 4));
    }

    @Test
    void crossEntropyEqualsTheDoublePrecisionFormula() {
        Tensor x = logits();
        float[] a = x.toArray();
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double lse = 0;
            for (int j = 0; j < 4; j++) {
                lse += Math.exp(a[i * 4 + j]);
            }
            expected += Math.log(lse) - a[i * 4 + labels[i]];
        }
        expected /= 3;
        try (Tape tape = new Tape(be)) {
            Var logitsVar = tape.variable(x);
            Var loss = Losses.crossEntropy(logitsVar, labels);
            assertEquals(expected, loss.value().item(), 1e-5);
            tape.backward(loss);
            float[] g = logitsVar.grad().toArray();
            for (int i = 0; i < 3; i++) {
                double lse = 0;
                for (int j = 0; j < 4; j++) {
                    lse += Math.exp(a[i * 4 + j]);
                }
                for (int j = 0; j < 4; j++) {
                    double p = Math.exp(a[i * 4 + j]) / lse;
                    assertEquals((p - (j == labels[i] ? 1 : 0)) / 3, g[i * 4 + j], 1e-6);
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor x = logits();
        check(be, v -> Losses.logSoftmax(v[0]), x);
        check(be, v -> Losses.softmax(v[0]), x);
        check(be, v -> Losses.nll(v[0], labels), x);
        check(be, v -> Losses.crossEntropy(v[0], labels), x);
    }

    @Test
    void softmaxRowsSumToOneAndSurviveLargeLogits() {
        Tensor x = be.fromArray(new float[] {1000, 1001, 999, -5, 0, 5}, Shape.matrix(2, 3));
        try (Tape tape = new Tape(be)) {
            float[] p = Losses.softmax(tape.constant(x)).value().toArray();
            assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
            assertEquals(Math.exp(1) / (1 + Math.E + Math.exp(-1)) , p[1], 1e-6);
        }
    }

    @Test
    void badLabelsAreNamed() {
        try (Tape tape = new Tape(be)) {
            Var x = tape.constant(logits());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Losses.crossEntropy(x, new int[] {0, 4, 1}));
            assertEquals("nll: label 4 at position 1 is outside [0, 4)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(x, new int[] {0}));
        }
    }
}
