package org.optopt.optimizers.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;

/** Roaree tends to Lion as the sharpness grows (atan to Lion with lr scaled by pi/2), and Lion's one step is closed-form. */
class RoareeTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tanh, 1.0", "erf, 1.0", "softsign, 1.0", "norm, 1.0", "sigmoid, 1.0", "atan, 1.5707963267948966"})
    void sharpSurrogatesEqualLion(String surrogate, double lionScale) {
        List<Parameter> a = TestProblems.parameters(backend, 8, Shape.vector(50));
        List<Parameter> b = TestProblems.parameters(backend, 8, Shape.vector(50));
        double lr = 0.01;
        try (Optimizer roaree = new Roaree().create(backend, ParameterSet.of(a),
                Map.of("lr", lr, "kappa", 1e9, "surrogate", surrogate, "weight_decay", 0.1));
             Optimizer lion = new Lion().create(backend, ParameterSet.of(b),
                     Map.of("lr", lr * lionScale, "weight_decay", 0.1 / lionScale))) {
            for (int t = 0; t < 5; t++) {
                TestProblems.parabola(a, t);
                TestProblems.parabola(b, t);
                roaree.step();
                lion.step();
            }
            float[] x = a.get(0).value().toArray();
            float[] y = b.get(0).value().toArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(y[i], x[i], 1e-6, surrogate + " element " + i);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void sigmoidSurrogateFirstStepIsTwiceTheLogisticMinusOne() {
        List<Parameter> a = TestProblems.parameters(backend, 5, Shape.vector(9));
        float[] p0 = a.get(0).value().toArray();
        float[] g = a.get(0).gradient().toArray();
        double lr = 0.1;
        double kappa = 3;
        try (Optimizer roaree = new Roaree().create(backend, ParameterSet.of(a),
                Map.of("lr", lr, "kappa", kappa, "surrogate", "sigmoid"))) {
            roaree.step();
        }
        float[] p1 = a.get(0).value().toArray();
        for (int i = 0; i < p0.length; i++) {
            // m = 0, so c = (1 - beta1)*g; phi(x) = 2/(1 + e^-x) - 1 = tanh(x/2).
            double x = kappa * 0.1 * g[i];
            assertEquals(p0[i] - lr * Math.tanh(x / 2), p1[i], 1e-6, "element " + i);
        }
    }

    @org.junit.jupiter.api.Test
    void lionFirstStepIsDecayThenSignOfTheInterpolation() {
        List<Parameter> a = TestProblems.parameters(backend, 2, Shape.vector(9));
        float[] p0 = a.get(0).value().toArray();
        float[] g = a.get(0).gradient().toArray();
        try (Optimizer lion = new Lion().create(backend, ParameterSet.of(a), Map.of("lr", 0.1, "weight_decay", 0.5))) {
            lion.step();
            float[] p1 = a.get(0).value().toArray();
            for (int i = 0; i < p0.length; i++) {
                // m = 0, so c = (1 - beta1)*g and sign(c) = sign(g); decay factor 1 - 0.1*0.5.
                assertEquals(p0[i] * 0.95 - 0.1 * Math.signum(g[i]), p1[i], 1e-6);
            }
        }
    }
}
