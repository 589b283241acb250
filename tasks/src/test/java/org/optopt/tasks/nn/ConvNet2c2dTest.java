package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.tasks.autodiff.Conv;
import org.optopt.tasks.autodiff.ConvAlgorithm;
import org.optopt.tasks.autodiff.Elementwise;
import org.optopt.tasks.autodiff.ImageShape;
import org.optopt.tasks.autodiff.Linalg;
import org.optopt.tasks.autodiff.Losses;
import org.optopt.tasks.autodiff.Shapes;
import org.optopt.tasks.autodiff.Tape;
import org.optopt.tasks.autodiff.Var;

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

    /** DeepOBS's order (ReLU, then pooling) written out with the same layers' parameters. */
    private static Var reluThenPool(Tape t, ParameterStore params, Var images, int side) {
        int n = images.shape().dim(0);
        ImageShape in = new ImageShape(n, side, side, 1);
        Var x = Shapes.reshape(images, in.matrix());
        Var c1 = Elementwise.relu(Conv.conv2d(x, in, ParameterStore.bind(t, params.get("conv1.weight")),
                ParameterStore.bind(t, params.get("conv1.bias")), 5, 5, 1, 2, ConvAlgorithm.fromSystemProperty()));
        ImageShape s1 = new ImageShape(n, side, side, 32);
        Var p1 = Conv.maxPool2d(c1, s1, 2, 2);
        ImageShape s2 = new ImageShape(n, side / 2, side / 2, 32);
        Var c2 = Elementwise.relu(Conv.conv2d(p1, s2, ParameterStore.bind(t, params.get("conv2.weight")),
                ParameterStore.bind(t, params.get("conv2.bias")), 5, 5, 1, 2, ConvAlgorithm.fromSystemProperty()));
        Var p2 = Conv.maxPool2d(c2, new ImageShape(n, side / 2, side / 2, 64), 2, 2);
        Var flat = Shapes.reshape(p2, Shape.matrix(n, side / 4 * (side / 4) * 64));
        Var h = Elementwise.relu(Linalg.affine(flat, ParameterStore.bind(t, params.get("fc1.weight")),
                ParameterStore.bind(t, params.get("fc1.bias"))));
        return Linalg.affine(h, ParameterStore.bind(t, params.get("fc2.weight")),
                ParameterStore.bind(t, params.get("fc2.bias")));
    }

    /** Loss and every gradient of {@code logits}' cross-entropy, gradients copied out. */
    private static List<float[]> lossAndGradients(Backend be, ParameterStore params, Function<Tape, Var> logits,
            int[] labels) {
        params.zeroGrads();
        List<float[]> out = new ArrayList<>();
        try (Tape t = new Tape(be)) {
            Var loss = Losses.crossEntropy(logits.apply(t), labels);
            out.add(loss.value().toArray());
            t.backward(loss);
        }
        for (Parameter p : params.list()) {
            out.add(p.gradient().toArray());
        }
        return out;
    }

    @Test
    void poolingBeforeReluIsDeepObsOrderToTheBit() {
        int side = 12;
        Tensor x = ModelGradCheck.uniform(be, Shape.matrix(3, side * side), 5);
        int[] labels = {0, 2, 1};
        try (ParameterStore params = new ParameterStore(be)) {
            ConvNet2c2d net = new ConvNet2c2d(params, side, side, 1, 3, Init.DEEPOBS_TRUNCATED_NORMAL, 4);
            List<float[]> expected = lossAndGradients(be, params, t -> reluThenPool(t, params, t.constant(x), side),
                    labels);
            List<float[]> got = lossAndGradients(be, params, t -> net.forward(t.constant(x)), labels);
            for (int i = 0; i < expected.size(); i++) {
                String what = i == 0 ? "loss" : params.list().get(i - 1).name();
                assertArrayEquals(expected.get(i), got.get(i), 0f, what);
                float largest = 0f;
                for (float v : got.get(i)) {
                    largest = Math.max(largest, Math.abs(v));
                }
                assertTrue(largest > 0f, what + " is all zeros: the comparison would prove nothing");
            }
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
