package org.optopt.optimizers.trainable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.NonFinitePolicy;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.optimizers.ElementwiseOptimizer;
import org.optopt.optimizers.TestProblems;
import org.optopt.optimizers.hyper.TestBackends;

/**
 * The Trainable Optimizer's documented special cases against independent host computations in
 * double: without an A step it is EMA momentum; on a noiseless quadratic the estimator learns the
 * true gradient; bad input is refused in one line and changes nothing.
 */
class TrainableOptimizerTest {

    private static Optimizer create(Backend backend, String name, List<Parameter> params, Map<String, ?> config) {
        return Optimizers.discover().provider(name).create(backend, ParameterSet.of(params), config);
    }

    static Stream<Arguments> emaCases() {
        return TestBackends.names().stream().flatMap(b -> Stream.of(Arguments.of(b, "to-diag"), Arguments.of(b, "to-full")));
    }

    /** gamma_a = 0: b = beta b + (1 - beta) g from b = 0 with beta = 1 - gamma_b, p -= lr b (no torch first step). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("emaCases")
    void withoutAStepsTheEstimatorIsEmaMomentum(String backendName, String name) {
        Backend backend = TestBackends.named(backendName);
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.matrix(2, 3), Shape.vector(4));
        double lr = 0.1;
        double beta = 0.7;
        List<double[]> w = new ArrayList<>();
        List<double[]> m = new ArrayList<>();
        for (Parameter p : params) {
            w.add(toDouble(p.value().toArray()));
            m.add(new double[p.value().shape().size()]);
        }
        try (Optimizer opt = create(backend, name, params, Map.of("lr", lr, "gamma_a", 0.0, "gamma_b", 1 - beta))) {
            for (int t = 0; t < 20; t++) {
                for (int k = 0; k < params.size(); k++) {
                    float[] g = TestProblems.uniform(w.get(k).length, 100L * t + k);
                    params.get(k).gradient().copyFrom(g);
                    for (int i = 0; i < g.length; i++) {
                        m.get(k)[i] = beta * m.get(k)[i] + (1 - beta) * g[i];
                        w.get(k)[i] -= lr * m.get(k)[i];
                    }
                }
                opt.step();
                for (int k = 0; k < params.size(); k++) {
                    float[] got = params.get(k).value().toArray();
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(w.get(k)[i], got[i], 1e-5 * Math.max(1, Math.abs(w.get(k)[i])),
                                name + " step " + (t + 1) + " " + params.get(k).name() + "[" + i + "]");
                    }
                }
            }
        }
    }

    /**
     * to-full against the rule evaluated in double on the host (decay, normalization, the
     * updated A and b in the step), on two tensors with fresh random gradients each step.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.optopt.optimizers.hyper.TestBackends#names")
    void fullToFollowsItsRule(String backendName) {
        Backend backend = TestBackends.named(backendName);
        List<Parameter> params = TestProblems.parameters(backend, 9, Shape.matrix(2, 3), Shape.vector(4));
        double lr = 0.05;
        double gammaA = 0.05;
        double gammaB = 0.2;
        double tau = 5;
        List<double[]> w = new ArrayList<>();
        List<double[][]> a = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        for (Parameter p : params) {
            int d = p.value().shape().size();
            w.add(toDouble(p.value().toArray()));
            a.add(new double[d][d]);
            b.add(new double[d]);
        }
        try (Optimizer opt = create(backend, "to-full", params, Map.of("lr", lr, "gamma_a", gammaA, "gamma_b", gammaB,
                "tau", tau, "normalized", true))) {
            for (int t = 0; t < 15; t++) {
                for (int k = 0; k < params.size(); k++) {
                    double[] x = w.get(k);
                    float[] g = TestProblems.uniform(x.length, 50L * t + k);
                    params.get(k).gradient().copyFrom(g);
                    double scale = (1 + t / tau) * (1 + dot(x, x));
                    double[] r = gradient(a.get(k), b.get(k), x);
                    for (int i = 0; i < x.length; i++) {
                        r[i] -= g[i];
                    }
                    for (int i = 0; i < x.length; i++) {
                        for (int j = 0; j < x.length; j++) {
                            a.get(k)[i][j] -= gammaA / scale * r[i] * x[j];
                        }
                        b.get(k)[i] -= gammaB / scale * r[i];
                    }
                    double[] estimate = gradient(a.get(k), b.get(k), x);
                    for (int i = 0; i < x.length; i++) {
                        x[i] -= lr * estimate[i];
                    }
                }
                opt.step();
                for (int k = 0; k < params.size(); k++) {
                    float[] got = params.get(k).value().toArray();
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(w.get(k)[i], got[i], 1e-5 * Math.max(1, Math.abs(w.get(k)[i])),
                                "step " + (t + 1) + " " + params.get(k).name() + "[" + i + "]");
                    }
                }
            }
        }
    }

    static Stream<Arguments> quadraticCases() {
        return TestBackends.names().stream().flatMap(b -> Stream.of(
                Arguments.of(b, "to-full", Map.of("lr", 0.05, "gamma_a", 0.1, "gamma_b", 0.2)),
                Arguments.of(b, "to-diag", Map.of("lr", 0.05, "gamma_a", 0.1, "gamma_b", 0.2)),
                Arguments.of(b, "to-rank1", Map.of("lr", 0.05, "gamma_a", 0.1, "gamma_b", 0.2, "normalized", true))));
    }

    /**
     * f(w) = 0.5 w^T H w + c^T w with H of the variant's form (dense for to-full, diagonal for
     * to-diag, rank one for to-rank1), exact gradients, and w restarted at a random point every 25
     * steps so that the iterates span the space: the estimator becomes the gradient as a function,
     * A w' + b = H w' + c at a fresh point w' (read from the optimizer's state), not just along
     * the path it was trained on.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("quadraticCases")
    void onANoiselessQuadraticTheEstimatorLearnsTheGradient(String backendName, String name, Map<String, ?> config) {
        Backend backend = TestBackends.named(backendName);
        int d = 4;
        double[][] h = new double[d][d];
        double[] c = toDouble(TestProblems.uniform(d, 5));
        float[] q = TestProblems.uniform(d, 6);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                h[i][j] = switch (name) {
                    case "to-diag" -> i == j ? 1 + 0.5 * i : 0;
                    case "to-rank1" -> 2 * q[i] * q[j];
                    default -> (i == j ? 1 + 0.5 * i : 0) + 0.5 * q[i] * q[j];
                };
            }
        }
        Parameter p = new Parameter("w", backend.zeros(Shape.vector(d)), backend.zeros(Shape.vector(d)));
        try (Optimizer opt = create(backend, name, List.of(p), config)) {
            for (int round = 0; round < 200; round++) {
                p.value().copyFrom(TestProblems.uniform(d, 100 + round));
                for (int t = 0; t < 25; t++) {
                    p.gradient().copyFrom(toFloat(gradient(h, c, toDouble(p.value().toArray()))));
                    opt.step();
                }
            }
            double[] probe = toDouble(TestProblems.uniform(d, 7));
            double[] truth = gradient(h, c, probe);
            double[] estimate = estimate(opt.state(), name, probe);
            for (int i = 0; i < d; i++) {
                assertEquals(truth[i], estimate[i], 1e-3, name + ": (A w + b)[" + i + "] vs (H w + c)[" + i + "]");
            }
        }
    }

    /** A w + b of the estimator in {@code state} for the parameter {@code w}. */
    private static double[] estimate(StateDict state, String name, double[] w) {
        int d = w.length;
        double[] out = toDouble(state.tensor("w", "b").data());
        if (name.equals("to-diag")) {
            float[] a = state.tensor("w", "a").data();
            for (int i = 0; i < d; i++) {
                out[i] += a[i] * w[i];
            }
            return out;
        }
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                a[i][j] = name.equals("to-full") ? state.tensor("w", "A").data()[i * d + j]
                        : (double) state.tensor("w", "u").data()[i] * state.tensor("w", "v").data()[j];
            }
        }
        return gradient(a, out, w);
    }

    @Test
    void aNonFiniteResidualFailsTheStepAndChangesNothing() {
        Backend backend = TestBackends.named("reference");
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.vector(5));
        try (ElementwiseOptimizer opt = (ElementwiseOptimizer) create(backend, "to-diag", params, Map.of())) {
            opt.step();
            opt.buffer("W", "a").copyFrom(new float[] {0, 3e38f, 0, 0, 0});
            params.get(0).value().copyFrom(new float[] {1, 10, 1, 1, 1});
            StateDict state = opt.state();
            float[] before = params.get(0).value().toArray();
            IllegalStateException e = assertThrows(IllegalStateException.class, opt::step);
            assertEquals("Pass to_diag_residual of parameter W gave non-finite r_norm = Infinity; step 2 of to-diag"
                    + " not applied, parameters and state unchanged", e.getMessage());
            assertEquals(state, opt.state());
            assertArrayEquals(before, params.get(0).value().toArray());
            opt.setNonFinitePolicy(NonFinitePolicy.SKIP_NON_FINITE);
            opt.step();
            assertEquals(1, opt.skippedSteps());
            assertEquals(state.tensors(), opt.state().tensors());
        }
    }

    @Test
    void fullToRefusesTensorsAboveItsLimit() {
        Backend backend = TestBackends.named("reference");
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.vector(4), Shape.matrix(65, 64));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> create(backend, "to-full", params, Map.of()));
        assertEquals("to-full keeps a d x d matrix per tensor: parameter b has 4160 elements, above max_elements = 4096"
                + " (use to-diag or to-rank1, or raise max_elements)", e.getMessage());
        create(backend, "to-full", params, Map.of("max_elements", 4160)).close();
    }

    @Test
    void traceReportsTheEstimatorsNorms() {
        Backend backend = TestBackends.named("reference");
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.vector(3), Shape.vector(2));
        try (Optimizer opt = create(backend, "to-rank1", params, Map.of("init", 0.5))) {
            assertTrue(opt.trace().get("r_norm").isNaN());
            opt.step();
            Map<String, Double> trace = opt.trace();
            assertEquals(Math.sqrt(5 * 0.25), trace.get("u_norm"), 1e-6);
            assertEquals(Math.sqrt(5 * 0.25), trace.get("v_norm"), 1e-6);
            assertEquals(0, trace.get("b_norm"));
            assertEquals(0.01, trace.get("lr"));
        }
    }

    private static double[] gradient(double[][] h, double[] c, double[] w) {
        double[] g = c.clone();
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w.length; j++) {
                g[i] += h[i][j] * w[j];
            }
        }
        return g;
    }

    private static double dot(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * v[i];
        }
        return s;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
