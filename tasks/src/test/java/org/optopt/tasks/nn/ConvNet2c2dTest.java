package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Losses;
import org.optopt.tasks.autodiff.Tape;

class ConvNet2c2dTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor x = ModelGradCheck.uniform(be, Shape.matrix(2, 8 * 8), 2);
        int[] labels = {1, 2};
        try (ParameterStore params = new ParameterStore(be)) {
            ConvNet2c2d net = new ConvNet2c2d(params, 8, 8, 1, 3, Init.GLOROT_UNIFORM, 11);
            ModelGradCheck.check(be, params, t -> Losses.crossEntropy(net.forward(t.constant(x)), labels), 6, 1e-3);
        }
    }

    @Test
    void hasDeepObsShapesOn28x28() {
        try (ParameterStore params = new ParameterStore(be); Tape tape = new Tape(be)) {
            ConvNet2c2d net = new ConvNet2c2d(params, 28, 28, 1, 10, Init.DEEPOBS_TRUNCATED_NORMAL, 1);
            assertEquals(Shape.matrix(32, 25), params.get("conv1.weight").value().shape());
            assertEquals(Shape.matrix(64, 800), params.get("conv2.weight").value().shape());
            assertEquals(Shape.matrix(1024, 7 * 7 * 64), params.get("fc1.weight").value().shape());
            assertEquals(3_274_634, params.size(), "DeepOBS fmnist_2c2d parameter count");
            float[] b = params.get("fc1.bias").value().toArray();
            assertEquals(0.05f, b[0]);
            assertEquals(Shape.matrix(2, 10), net.forward(tape.constant(be.zeros(Shape.matrix(2, 784)))).shape());
        }
    }
}
