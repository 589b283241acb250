package org.optopt.optimizers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.kernel.Derivative;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.Optimizers;

/**
 * What the hypergradient towers rely on: for every rule and every hyperparameter scalar h,
 * {@code Derivative.of(kernel, h, {p: dp_dh})} matches central finite differences of the
 * interpreted kernel. Hyperparameters take mid-domain values so that float32 differences resolve.
 */
class RuleDerivativeTest {
    private static final int N = 64;
    private static final Map<String, Double> VALUES = Map.ofEntries(Map.entry("lr", 0.1), Map.entry("beta1", 0.6),
            Map.entry("beta2", 0.7), Map.entry("eps", 0.1), Map.entry("weight_decay", 0.2), Map.entry("momentum", 0.5),
            Map.entry("dampening", 0.3), Map.entry("alpha", 0.6), Map.entry("rho", 0.6), Map.entry("lr_decay", 0.2),
            Map.entry("initial_accumulator_value", 0.1), Map.entry("momentum_decay", 0.3), Map.entry("kappa", 2.0));

    static Stream<Arguments> cases() {
        return OptimizerCases.CASES.stream()
                .filter(c -> c.capabilities().elementwise())
                .flatMap(c -> {
                    ElementwiseDefinition d = (ElementwiseDefinition) Optimizers.discover().provider(c.name());
                    return c.valid().stream().map(v -> d.rule(d.resolve(v).choices()))
                            .distinct()
                            .flatMap(r -> r.hyperparameterScalars().stream().map(h -> Arguments.of(d.name(), r, h)));
                });
    }

    @ParameterizedTest(name = "{0} {1} d/d{2}")
    @MethodSource("cases")
    void symbolicDerivativeMatchesFiniteDifferences(String name, ElementwiseRule rule, String h) {
        Kernel kernel = rule.kernel();
        Kernel derivative = Derivative.of(kernel, h, Map.of(ElementwiseRule.PARAMETER, "dp_dh"), true);
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (String s : kernel.scalars()) {
            scalars.put(s, VALUES.getOrDefault(s, 1.0));
        }
        scalars.put(ElementwiseRule.STEP, 3.0);
        rule.scalarStates().forEach(s -> scalars.put(s.name(), 0.5));
        Map<String, float[]> analytic = buffers(kernel);
        analytic.put("dp_dh", new float[N]);
        KernelInterpreter.run(derivative, analytic, only(derivative, scalars));
        double value = scalars.get(h);
        double delta = 1e-2 * Math.max(Math.abs(value), 0.1);
        float[] plus = step(kernel, scalars, h, value + delta);
        float[] minus = step(kernel, scalars, h, value - delta);
        float[] d = analytic.get("dp_dh");
        double scale = 0;
        for (float x : d) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < N; i++) {
            double fd = (plus[i] - (double) minus[i]) / (2 * delta);
            double err = Math.abs(fd - d[i]);
            double rounding = 2 * Math.ulp(Math.max(Math.abs(plus[i]), Math.abs(minus[i]))) / (2 * delta);
            assertTrue(err <= 2e-2 * Math.abs(fd) + 2e-3 * Math.max(scale, 1e-3) + rounding,
                    name + " d p/d " + h + " [" + i + "]: symbolic " + d[i] + ", finite difference " + fd);
        }
    }

    private static float[] step(Kernel kernel, Map<String, Double> scalars, String h, double value) {
        Map<String, Double> s = new LinkedHashMap<>(scalars);
        s.put(h, value);
        Map<String, float[]> b = buffers(kernel);
        KernelInterpreter.run(kernel, b, only(kernel, s));
        return b.get(ElementwiseRule.PARAMETER);
    }

    private static Map<String, Double> only(Kernel kernel, Map<String, Double> scalars) {
        Map<String, Double> s = new LinkedHashMap<>(scalars);
        s.keySet().retainAll(kernel.scalars());
        return s;
    }

    /**
     * Reproducible buffers: p in [-0.01, 0.01) (small, so float32 resolves the differences of the
     * new p), g in [-1, 1), state buffers positive (second moments) in [0.1, 1.1), except a
     * first-moment {@code grad_avg} in [-0.1, 0.1) so that centered variances stay positive.
     */
    private static Map<String, float[]> buffers(Kernel kernel) {
        Map<String, float[]> b = new LinkedHashMap<>();
        int k = 0;
        for (String name : kernel.buffers()) {
            float[] v = TestProblems.uniform(N, 77 + k++);
            if (name.equals(ElementwiseRule.PARAMETER)) {
                for (int i = 0; i < N; i++) {
                    v[i] = v[i] / 100;
                }
            } else if (name.equals("grad_avg")) {
                for (int i = 0; i < N; i++) {
                    v[i] = v[i] / 10;
                }
            } else if (!name.equals(ElementwiseRule.GRADIENT)) {
                for (int i = 0; i < N; i++) {
                    v[i] = 0.6f + v[i] / 2;
                }
            }
            b.put(name, v);
        }
        return b;
    }
}
