package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.optopt.tasks.autodiff.GradCheck.check;
import static org.optopt.tasks.autodiff.GradCheck.uniform;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class ShapesTest {
    private final Backend be = GradCheck.backend();

    @Test
    void reshapeKeepsOrderAndGradients() {
        Tensor x = be.fromArray(uniform(6, 50), Shape.matrix(2, 3));
        check(be, v -> Elementwise.square(Shapes.reshape(v[0], Shape.matrix(3, 2))), x);
        try (Tape tape = new Tape(be)) {
            assertArrayEquals(x.toArray(), Shapes.reshape(tape.constant(x), Shape.vector(6)).value().toArray());
            assertThrows(IllegalArgumentException.class, () -> Shapes.reshape(tape.constant(x), Shape.vector(5)));
        }
    }

    @Test
    void gatherRowsAccumulatesRepeatedRows() {
        Tensor table = be.fromArray(uniform(8, 51), Shape.matrix(4, 2));
        int[] rows = {3, 0, 3, 3, 1};
        check(be, v -> Shapes.gatherRows(v[0], rows), table);
        try (Tape tape = new Tape(be)) {
            Var t = tape.variable(table);
            tape.backward(Sums.sum(Shapes.gatherRows(t, rows)));
            assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 3, 3}, t.grad().toArray());
        }
    }
}
