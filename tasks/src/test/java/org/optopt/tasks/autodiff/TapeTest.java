package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class TapeTest {
    private final Backend be = GradCheck.backend();

    @Test
    void parameterGradientsAccumulateIntoTheCallersTensor() {
        Tensor w = be.fromArray(new float[] {1, 2, 3}, Shape.vector(3));
        Tensor g = be.fromArray(new float[] {10, 10, 10}, Shape.vector(3));
        try (Tape tape = new Tape(be)) {
            Var p = tape.parameter(w, g);
            tape.backward(Sums.sum(Elementwise.square(p)));
            assertArrayEquals(new float[] {12, 14, 16}, g.toArray());
            assertFalse(w.isClosed());
        }
        assertFalse(g.isClosed(), "the tape must not close the caller's gradient");
    }

    @Test
    void aValueUsedTwiceGetsBothContributions() {
        try (Tape tape = new Tape(be)) {
            Var x = tape.variable(be.fromArray(new float[] {2, -1}, Shape.vector(2)));
            tape.backward(Sums.sum(Elementwise.mul(x, Elementwise.tanh(x))));
            float[] g = x.grad().toArray();
            for (int i = 0; i < 2; i++) {
                double v = i == 0 ? 2 : -1;
                assertEquals(Math.tanh(v) + v * (1 - Math.tanh(v) * Math.tanh(v)), g[i], 1e-6);
            }
        }
    }

    @Test
    void resetRecyclesBuffersSoSteadyStateStepsDoNotGrow() {
        Tensor wv = be.fromArray(GradCheck.uniform(12, 80), Shape.matrix(3, 4));
        Tensor wg = be.zeros(Shape.matrix(3, 4));
        Tensor xv = be.fromArray(GradCheck.uniform(20, 81), Shape.matrix(5, 4));
        try (Tape tape = new Tape(be)) {
            int[] held = new int[4];
            Tensor firstLogits = null;
            for (int step = 0; step < 4; step++) {
                Var logits = Linalg.affine(tape.constant(xv), tape.parameter(wv, wg), null);
                Var h = Elementwise.tanh(logits);
                tape.backward(Losses.crossEntropy(h, new int[] {0, 1, 2, 0, 1}));
                if (step == 0) {
                    firstLogits = logits.value();
                }
                tape.reset();
                held[step] = tape.heldTensors();
                assertThrows(IllegalStateException.class, logits::value);
            }
            assertEquals(held[1], held[3], "tensors held after each step");
            assertFalse(firstLogits.isClosed(), "pooled buffers are kept for reuse");
        }
    }

    @Test
    void closeReleasesEverythingTheTapeOwns() {
        Tape tape = new Tape(be);
        Var x = tape.variable(be.fromArray(new float[] {1, 2}, Shape.matrix(1, 2)));
        Var y = Losses.softmax(Elementwise.tanh(x));
        Tensor pooled = Elementwise.tanh(x).value();
        Tensor allocated = y.value();
        tape.close();
        assertTrue(pooled.isClosed());
        assertTrue(allocated.isClosed());
        assertEquals(0, tape.heldTensors());
        assertThrows(IllegalStateException.class, () -> tape.variable(be.zeros(Shape.vector(1))));
    }

    @Test
    void backwardChecksItsTarget() {
        try (Tape tape = new Tape(be)) {
            Var x = tape.variable(be.zeros(Shape.vector(2)));
            assertThrows(IllegalArgumentException.class, () -> tape.backward(Elementwise.tanh(x)));
            Var c = tape.constant(be.zeros(Shape.vector(1)));
            assertThrows(IllegalArgumentException.class, () -> tape.backward(Elementwise.tanh(c)));
            try (Tape other = new Tape(be)) {
                assertThrows(IllegalArgumentException.class, () -> Elementwise.add(x, other.constant(be.zeros(Shape.vector(2)))));
            }
        }
    }
}
