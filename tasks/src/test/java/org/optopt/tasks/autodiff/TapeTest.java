package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.IdentityHashMap;
import java.util.Map;
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

    /**
     * A routed gradient holds each backward pass's gradient alone, whatever the buffer held before
     * and whichever primitive writes it first: a product ({@code w}), a copy of a column sum
     * ({@code b}) or of a reshaped gradient ({@code r}), a scatter-add ({@code e}); zeros where the
     * pass does not reach ({@code u}). Hand-computed: {@code y = x w^T + b = [1.5, 1, 3]}, the loss
     * {@code sum(y^2) + sum(e[2, 0, 2]) + sum(r)}, so {@code dW = 2 y^T x}, {@code db = 2 y}, row counts for e.
     */
    @Test
    void routedGradientsAreOverwrittenByEachBackward() {
        Tensor w = be.fromArray(new float[] {1, 0, 0, 1, 1, 1}, Shape.matrix(3, 2));
        Tensor b = be.fromArray(new float[] {0.5f, -1, 0}, Shape.vector(3));
        Tensor e = be.fromArray(new float[] {1, 2, 3, 4, 5, 6}, Shape.matrix(3, 2));
        Tensor r = be.fromArray(new float[] {7, 8}, Shape.vector(2));
        Tensor u = be.fromArray(new float[] {9, 9}, Shape.vector(2));
        Tensor[] values = {w, b, e, r, u};
        Tensor[] own = new Tensor[values.length];
        Tensor[] routed = new Tensor[values.length];
        Map<Tensor, Tensor> routes = new IdentityHashMap<>();
        for (int i = 0; i < values.length; i++) {
            own[i] = be.zeros(values[i].shape());
            routed[i] = be.zeros(values[i].shape());
            be.fillInPlace(routed[i], 99f); // stale contents the pass must not add to
            routes.put(own[i], routed[i]);
        }
        Tensor x = be.fromArray(new float[] {1, 2}, Shape.matrix(1, 2));
        try (Tape tape = new Tape(be, routes)) {
            for (int step = 0; step < 2; step++) {
                tape.reset();
                Var[] p = new Var[values.length];
                for (int i = 0; i < values.length; i++) {
                    p[i] = tape.parameter(values[i], own[i]);
                }
                Var y = Linalg.affine(tape.constant(x), p[0], p[1]);
                Var loss = Elementwise.add(Sums.sum(Elementwise.square(y)),
                        Elementwise.add(Sums.sum(Shapes.gatherRows(p[2], new int[] {2, 0, 2})),
                                Sums.sum(Shapes.reshape(p[3], Shape.matrix(2, 1)))));
                tape.backward(loss);
                assertArrayEquals(new float[] {3, 6, 2, 4, 6, 12}, routed[0].toArray(), "dW, step " + step);
                assertArrayEquals(new float[] {3, 2, 6}, routed[1].toArray(), "db, step " + step);
                assertArrayEquals(new float[] {1, 1, 0, 0, 2, 2}, routed[2].toArray(), "de, step " + step);
                assertArrayEquals(new float[] {1, 1}, routed[3].toArray(), "dr, step " + step);
                assertArrayEquals(new float[] {0, 0}, routed[4].toArray(), "du, step " + step);
            }
        }
        for (Tensor g : own) {
            assertArrayEquals(new float[g.shape().size()], g.toArray(), "the parameters' own gradients stay untouched");
        }
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
