package org.example.optopt;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.tensor.TensorScope;
import org.optopt.optimizers.hyper.HyperOptimizer;
import org.optopt.optimizers.spec.OptimizerSpecs;

/**
 * optopt as a library: fits a least-squares problem {@code min_w 0.5/n |A w - y|^2}, whose data come from
 * known weights {@code w*}, once with Adam and once with a hypergradient tower in which SGD learns
 * Adam's learning rate, and prints each fit's loss, its distance to {@code w*} and the learning rate.
 *
 * <p>Run with the default backend ({@code nd4j} when it is on the path; {@code -Doptopt.backend=NAME}
 * chooses another): {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/dependency/*
 * org.example.optopt.LeastSquares}.
 */
public final class LeastSquares {
    private static final int ROWS = 256;
    private static final int COLUMNS = 16;
    private static final int STEPS = 600;

    private LeastSquares() {}

    public static void main(String[] args) {
        try (Backend backend = Backends.discover().createDefault(Map.of())) {
            float[] truth = new float[COLUMNS];
            for (int j = 0; j < COLUMNS; j++) {
                truth[j] = (j % 2 == 0 ? 1f : -1f) * (1 + j) / COLUMNS;
            }
            try (Tensor a = backend.randomNormal(Shape.matrix(ROWS, COLUMNS), 0, 1, 42);
                    Tensor wStar = backend.fromArray(truth, Shape.matrix(COLUMNS, 1));
                    Tensor y = backend.matmul(a, wStar)) {
                System.out.println("backend " + backend.name());
                OptimizerSpecs specs = new OptimizerSpecs(Optimizers.discover());
                fit(backend, "adam", a, y, truth, parameters -> Optimizers.discover().provider("adam")
                        .create(backend, parameters, Map.of("lr", 0.02)));
                fit(backend, "adam(0.005)/sgd(1e-3)", a, y, truth,
                        parameters -> specs.build(specs.parse("adam(0.005)/sgd(1e-3)"), backend, parameters));
            }
        }
    }

    /** Creates an optimizer over the given parameters. */
    private interface Factory {
        Optimizer create(ParameterSet parameters);
    }

    private static void fit(Backend backend, String label, Tensor a, Tensor y, float[] truth, Factory factory) {
        try (Tensor w = backend.zeros(Shape.matrix(COLUMNS, 1));
                Tensor g = backend.zeros(Shape.matrix(COLUMNS, 1));
                Optimizer optimizer = factory.create(ParameterSet.of(List.of(new Parameter("w", w, g))))) {
            double first = lossAndGradient(backend, a, y, w, g);
            double last = first;
            for (int step = 0; step < STEPS; step++) {
                optimizer.step();
                last = lossAndGradient(backend, a, y, w, g);
            }
            float[] fitted = w.toArray();
            double distance = 0;
            for (int j = 0; j < COLUMNS; j++) {
                distance = Math.max(distance, Math.abs(fitted[j] - truth[j]));
            }
            double lr = optimizer instanceof HyperOptimizer tower
                    ? tower.levelHyperparameters(0, ParameterSet.DEFAULT_GROUP).get("lr")
                    : optimizer.hyperparameters().get("lr");
            System.out.printf("%-22s loss %.4g -> %.3g  max|w-w*| %.3g  lr %.4g%n", label, first, last, distance, lr);
        }
    }

    /** Writes {@code g = A^T (A w - y) / n} and returns the loss; the residual is a temporary of a scope. */
    private static double lossAndGradient(Backend backend, Tensor a, Tensor y, Tensor w, Tensor g) {
        try (TensorScope scope = new TensorScope()) {
            Tensor residual = scope.track(backend.matmul(a, w));
            backend.axpyInPlace(-1f, y, residual);
            backend.gemmInPlace(1f / ROWS, a, true, residual, false, 0f, g);
            return 0.5 * backend.dot(residual, residual) / ROWS;
        }
    }
}
