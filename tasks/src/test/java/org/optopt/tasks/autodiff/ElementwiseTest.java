package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.optopt.tasks.autodiff.GradCheck.awayFromZero;
import static org.optopt.tasks.autodiff.GradCheck.check;
import static org.optopt.tasks.autodiff.GradCheck.uniform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class ElementwiseTest {
    private final Backend be = GradCheck.backend();

    @ParameterizedTest
    @EnumSource(UnaryFn.class)
    void unaryGradientsMatchFiniteDifferences(UnaryFn f) {
        float[] x = awayFromZero(12, 1);
        if (f == UnaryFn.LOG || f == UnaryFn.SQRT) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.abs(x[i]) + 0.3f;
            }
        }
        check(be, v -> Elementwise.apply(f, v[0]), be.fromArray(x, Shape.matrix(3, 4)));
    }

    @Test
    void unaryForwardIsTheFunction() {
        float[] x = {-2f, -0.5f, 0f, 0.7f, 3f};
        try (Tape tape = new Tape(be)) {
            Var v = tape.constant(be.fromArray(x, Shape.vector(5)));
            float[] relu = Elementwise.relu(v).value().toArray();
            float[] tanh = Elementwise.tanh(v).value().toArray();
            for (int i = 0; i < x.length; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(Math.max(x[i], 0f), relu[i]);
                org.junit.jupiter.api.Assertions.assertEquals(Math.tanh(x[i]), tanh[i], 1e-6);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"ADD", "SUB", "MUL", "DIV"}, value = org.optopt.api.kernel.BinaryOp.class)
    void binaryGradientsSameShape(org.optopt.api.kernel.BinaryOp op) {
        Tensor a = be.fromArray(uniform(6, 2), Shape.matrix(2, 3));
        Tensor b = be.fromArray(awayFromZero(6, 3), Shape.matrix(2, 3));
        check(be, v -> binary(op, v[0], v[1]), a, b);
    }

    @ParameterizedTest
    @EnumSource(names = {"ADD", "SUB", "MUL", "DIV"}, value = org.optopt.api.kernel.BinaryOp.class)
    void binaryGradientsReduceOverBroadcastAxes(org.optopt.api.kernel.BinaryOp op) {
        Tensor a = be.fromArray(awayFromZero(24, 4), Shape.of(2, 3, 4));
        Tensor row = be.fromArray(awayFromZero(4, 5), Shape.vector(4));
        Tensor column = be.fromArray(awayFromZero(3, 6), Shape.of(3, 1));
        check(be, v -> binary(op, v[0], v[1]), a, row);
        check(be, v -> binary(op, v[1], v[0]), a, column);
    }

    @Test
    void scaleAndShift() {
        Tensor x = be.fromArray(uniform(5, 7), Shape.vector(5));
        check(be, v -> Elementwise.scale(v[0], -2.5), x);
        check(be, v -> Elementwise.shift(Elementwise.square(v[0]), 0.75), x);
        try (Tape tape = new Tape(be)) {
            float[] y = Elementwise.shift(Elementwise.scale(tape.constant(x), 2), 1).value().toArray();
            float[] xs = x.toArray();
            for (int i = 0; i < xs.length; i++) {
                xs[i] = 2 * xs[i] + 1;
            }
            assertArrayEquals(xs, y, 1e-6f);
        }
    }

    private static Var binary(org.optopt.api.kernel.BinaryOp op, Var a, Var b) {
        return switch (op) {
            case ADD -> Elementwise.add(a, b);
            case SUB -> Elementwise.sub(a, b);
            case MUL -> Elementwise.mul(a, b);
            case DIV -> Elementwise.div(a, b);
            default -> throw new IllegalArgumentException(op.name());
        };
    }
}
