package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Losses;
import org.optopt.tasks.autodiff.UnaryFn;

class MlpTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor x = ModelGradCheck.uniform(be, Shape.matrix(5, 3), 1);
        int[] labels = {0, 1, 2, 1, 0};
        for (UnaryFn f : new UnaryFn[] {UnaryFn.TANH, UnaryFn.SIGMOID, UnaryFn.RELU}) {
            try (ParameterStore params = new ParameterStore(be)) {
                Mlp mlp = new Mlp(params, new int[] {3, 6, 4, 3}, f, f == UnaryFn.TANH ? UnaryFn.TANH : null,
                        Init.PYTORCH_DEFAULT, 7);
                ModelGradCheck.check(be, params, t -> Losses.crossEntropy(mlp.forward(t.constant(x)), labels), 50, 1e-2);
            }
        }
    }

    @Test
    void parametersAreNamedShapedAndSeeded() {
        try (ParameterStore a = new ParameterStore(be); ParameterStore b = new ParameterStore(be)) {
            new Mlp(a, new int[] {784, 128, 10}, UnaryFn.TANH, UnaryFn.TANH, Init.PYTORCH_DEFAULT, 3);
            new Mlp(b, new int[] {784, 128, 10}, UnaryFn.TANH, UnaryFn.TANH, Init.PYTORCH_DEFAULT, 3);
            assertEquals(784 * 128 + 128 + 128 * 10 + 10, a.size());
            assertEquals(Shape.matrix(128, 784), a.get("fc1.weight").value().shape());
            assertEquals(Shape.vector(10), a.get("fc2.bias").value().shape());
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.get("fc1.weight").value().toArray(),
                    b.get("fc1.weight").value().toArray());
            float bound = (float) (1 / Math.sqrt(784));
            for (float w : a.get("fc1.weight").value().toArray()) {
                org.junit.jupiter.api.Assertions.assertTrue(Math.abs(w) <= bound, "weight " + w + " beyond " + bound);
            }
            assertThrows(IllegalArgumentException.class, () -> a.get("fc3.weight"));
        }
    }
}
