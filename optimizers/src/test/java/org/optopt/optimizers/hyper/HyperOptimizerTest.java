package org.optopt.optimizers.hyper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import org.optopt.optimizers.spec.Towers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.NonFinitePolicy;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.golden.Json;
import org.optopt.optimizers.golden.QuarticProblem;
import org.optopt.testsupport.SharedFiles;

/** Towers: hypergradient identities, finite differences, frozen hyper-levels, groups, state, bad input. */
class HyperOptimizerTest {
    private static final RegistryCatalog GDTUO = RegistryCatalog.gdtuo();
    private static final String G = ParameterSet.DEFAULT_GROUP;

    @TempDir
    Path dir;

    static List<String> backends() {
        return TestBackends.names();
    }

    private static List<float[]> values(List<Parameter> params) {
        List<float[]> out = new ArrayList<>();
        params.forEach(p -> out.add(p.value().toArray()));
        return out;
    }

    private static double dot(List<float[]> a, List<float[]> b) {
        double s = 0;
        for (int k = 0; k < a.size(); k++) {
            for (int i = 0; i < a.get(k).length; i++) {
                s += (double) a.get(k)[i] * b.get(k)[i];
            }
        }
        return s;
    }

    private static List<float[]> gradients(List<Parameter> params) {
        List<float[]> out = new ArrayList<>();
        params.forEach(p -> out.add(p.gradient().toArray()));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sgdHypergradientIsMinusTheDotOfConsecutiveGradients(String backendName) {
        Backend b = TestBackends.named(backendName);
        Quartic q = new Quartic(8, 1);
        try (QuarticProblem prob = q.problem(b);
             HyperOptimizer tower = Towers.parse("sgd(0.05)/sgd(0.01)", GDTUO).build(prob.parameterSet(), b)) {
            List<float[]> previous = null;
            for (int t = 0; t < 8; t++) {
                prob.computeGradients(t);
                List<float[]> g = gradients(prob.parameters());
                tower.step();
                double expected = previous == null ? 0 : -dot(g, previous);
                assertEquals(expected, tower.hypergradients(0, G).get("alpha"), 1e-5 * Math.abs(expected), "step " + t);
                previous = g;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sgdTowerRecursionIsMinusTheProductOfConsecutiveHypergradients(String backendName) {
        Backend b = TestBackends.named(backendName);
        Quartic q = new Quartic(10, 2);
        try (QuarticProblem prob = q.problem(b);
             HyperOptimizer tower = Towers.parse("sgd(0.01)/sgd(1e-4)/sgd(1e-8)", GDTUO).build(prob.parameterSet(), b)) {
            double previous = 0;
            for (int t = 0; t < 10; t++) {
                prob.computeGradients(t);
                tower.step();
                double d1 = tower.hypergradients(0, G).get("alpha");
                double d2 = tower.hypergradients(1, G).get("alpha");
                double expected = -(double) (float) d1 * (float) previous;
                assertEquals(expected, d2, 1e-6 * Math.abs(expected) + 1e-12, "step " + t);
                if (t >= 2) {
                    assertNotEquals(0.0, d2, "the recursion must be exercised");
                }
                previous = d1;
            }
        }
    }

    @Test
    void gdtuoGoldenSgdTowerFollowsTheSameRecursionAndSign() throws IOException {
        Map<String, Object> json = cast(Json.parse(Files.readString(SharedFiles.configured().golden("gdtuo-sgd_sgd_sgd.json"),
                StandardCharsets.UTF_8)));
        List<Object> steps = cast(json.get("hyperparameters_per_step"));
        // alpha_i = alpha_{i-1} - kappa_i d1_i and kappa_i = kappa_{i-1} - 1e-8 d2_i (top level first).
        double alpha = 0.01;
        double kappa = 1e-4;
        double previousD1 = 0;
        for (int i = 0; i < steps.size(); i++) {
            List<Object> levels = cast(steps.get(i));
            double newAlpha = (Double) this.<Map<String, Object>>cast(levels.get(0)).get("alpha");
            double newKappa = (Double) this.<Map<String, Object>>cast(levels.get(1)).get("alpha");
            double d1 = (alpha - newAlpha) / newKappa;
            double d2 = (kappa - newKappa) / 1e-8;
            if (i >= 2) {
                // float32 storage: kappa's change is resolved to one ulp of kappa, alpha's to one of alpha
                double resolution = 2 * Math.ulp((float) newKappa) / 1e-8
                        + 2 * Math.ulp((float) newAlpha) / newKappa * Math.abs(previousD1);
                assertEquals(-d1 * previousD1, d2, 1e-4 * Math.abs(d2) + resolution, "step " + (i + 1));
            }
            previousD1 = d1;
            alpha = newAlpha;
            kappa = newKappa;
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T cast(Object o) {
        return (T) o;
    }

    static Stream<Arguments> finiteDifferenceCases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : TestBackends.names()) {
            out.add(Arguments.of(backend, "adam(lr=0.01, learn=lr+beta1+beta2)/sgd(0, frozen)", false));
            out.add(Arguments.of(backend, "sgd(lr=0.05, momentum=0.5, learn=lr+momentum)/sgd(0, frozen)", false));
            out.add(Arguments.of(backend, "rmsprop(0.01, gamma=0.9)/sgd(1e-4, frozen)", true));
            out.add(Arguments.of(backend, "adagrad(0.05)/sgd(0.01, frozen)", true));
            out.add(Arguments.of(backend, "shampoo(0.1, momentum=0.5)/sgd(0, frozen)", false));
            out.add(Arguments.of(backend, "adam(0.01)/sgd(0.01, frozen)", true));
            out.add(Arguments.of(backend,
                    "to-diag(lr=0.05, gamma_a=0.1, gamma_b=0.2, tau=3, learn=lr+gamma_a+gamma_b)/sgd(0, frozen)", false));
            out.add(Arguments.of(backend, "to-rank1(lr=0.05, gamma_a=0.05, gamma_b=0.2, normalized=true, init=0.3,"
                    + " learn=lr+gamma_a+gamma_b)/sgd(0, frozen)", false));
        }
        return out.stream();
    }

    /** d f_k(p_k) / d raw.h by central differences of the loss in the raw value, against the tower's hypergradient. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("finiteDifferenceCases")
    void hypergradientsMatchFiniteDifferencesOfTheLoss(String backendName, String stack, boolean gdtuo) {
        Backend b = TestBackends.named(backendName);
        int k = 5;
        Quartic q = new Quartic(k + 1, 3);
        try (QuarticProblem prob = q.problem(b);
             HyperOptimizer tower = Towers.parse(stack, gdtuo ? GDTUO : RegistryCatalog.discover())
                     .build(prob.parameterSet(), b)) {
            for (int t = 0; t < k - 1; t++) {
                prob.computeGradients(t);
                tower.step();
            }
            StateDict state = tower.state();
            List<float[]> before = values(prob.parameters());
            prob.computeGradients(k - 1);
            tower.step();
            prob.computeGradients(k);
            tower.step();
            Map<String, Double> hypergradients = tower.hypergradients(0, G);
            Map<String, Double> stored = tower.storedHyperparameters(0, G);
            for (String h : tower.learnable(0)) {
                var rep = tower.levelHyperparameterDefinition(0, h).reparameterization();
                double analytic = hypergradients.get(h);
                double x0 = stored.get(h);
                double eps = 1e-2 * Math.abs(x0);
                double[] f = new double[2];
                double[] used = new double[2];
                for (int s = 0; s < 2; s++) {
                    for (int i = 0; i < before.size(); i++) {
                        prob.parameters().get(i).value().copyFrom(before.get(i));
                    }
                    tower.loadState(state);
                    tower.setLevelHyperparameter(0, G, h, rep.forward(x0 + (s == 0 ? eps : -eps)));
                    used[s] = tower.storedHyperparameters(0, G).get(h);
                    prob.computeGradients(k - 1);
                    tower.step();
                    f[s] = q.loss(prob.parameters(), k);
                }
                double numeric = (f[0] - f[1]) / (used[0] - used[1]);
                assertEquals(numeric, analytic, 2e-2 * Math.abs(numeric) + 1e-6,
                        stack + ": d f / d " + h + " (analytic " + analytic + ", numeric " + numeric + ")");
            }
        }
    }

    static Stream<Arguments> frozenCases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : TestBackends.names()) {
            out.add(Arguments.of(backend, "adam(lr=0.001, learn=lr+beta1+beta2)/sgd(0, frozen)", "adam",
                    Map.of("lr", 0.001)));
            out.add(Arguments.of(backend, "sgd(0.01, momentum=0.9, learn=lr+momentum)/adam(0, frozen)", "sgd",
                    Map.of("lr", 0.01, "momentum", 0.9)));
            out.add(Arguments.of(backend, "rmsprop(0.01)/sgd(1e-3, frozen)/sgd(0.1)", "rmsprop", Map.of("lr", 0.01)));
            out.add(Arguments.of(backend, "shampoo(0.1, momentum=0.5, grafting=sgd)/sgd(0, frozen)", "shampoo",
                    Map.of("lr", 0.1, "momentum", 0.5, "grafting", "sgd")));
            out.add(Arguments.of(backend, "to-rank1(0.05, normalized=true, learn=lr+gamma_a+gamma_b)/sgd(0, frozen)",
                    "to-rank1", Map.of("lr", 0.05, "normalized", true)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("frozenCases")
    void aTowerWithAFrozenHyperLevelEqualsItsBaseOptimizer(String backendName, String stack, String base,
                                                          Map<String, Object> config) {
        Backend b = TestBackends.named(backendName);
        Quartic q = new Quartic(20, 4);
        try (QuarticProblem p1 = q.problem(b); QuarticProblem p2 = q.problem(b);
             HyperOptimizer tower = Towers.parse(stack, RegistryCatalog.discover()).build(p1.parameterSet(), b);
             Optimizer plain = Optimizers.discover().provider(base).create(b, p2.parameterSet(), config)) {
            for (int t = 0; t < 20; t++) {
                p1.computeGradients(t);
                p2.computeGradients(t);
                tower.step();
                plain.step();
                for (int i = 0; i < p1.parameters().size(); i++) {
                    float[] x = p1.parameters().get(i).value().toArray();
                    float[] y = p2.parameters().get(i).value().toArray();
                    for (int j = 0; j < x.length; j++) {
                        assertEquals(y[j], x[j], 2e-6 * Math.max(1, Math.abs(y[j])), stack + " step " + t);
                    }
                }
            }
            assertEquals(plain.hyperparameters().get("lr"), tower.hyperparameters().get("lr"),
                    3e-7 * plain.hyperparameters().get("lr"), "float32 raw values: lr = (sqrt lr)^2 within rounding");
        }
    }

    @Test
    void perGroupHyperparametersSumOverTheirGroupOnly() {
        Backend b = new ReferenceBackend();
        Quartic q = new Quartic(6, 5);
        try (QuarticProblem prob = q.problem(b)) {
            Parameter w = prob.parameters().get(0).name().equals("W") ? prob.parameters().get(0) : prob.parameters().get(1);
            Parameter bias = w == prob.parameters().get(0) ? prob.parameters().get(1) : prob.parameters().get(0);
            ParameterSet set = ParameterSet.ofGroups(List.of(ParameterGroup.of("weights", List.of(w)),
                    ParameterGroup.of("biases", List.of(bias)).with("alpha", 0.02)));
            try (HyperOptimizer tower = Towers.parse("sgd(0.05)/sgd(0.01)", GDTUO).build(set, b)) {
                assertEquals(0.02, tower.hyperparameters("biases").get("alpha"), 1e-9);
                List<float[]> prevW = null;
                List<float[]> prevB = null;
                for (int t = 0; t < 6; t++) {
                    prob.computeGradients(t);
                    List<float[]> gw = List.of(w.gradient().toArray());
                    List<float[]> gb = List.of(bias.gradient().toArray());
                    tower.step();
                    if (prevW != null) {
                        double ew = -dot(gw, prevW);
                        double eb = -dot(gb, prevB);
                        assertEquals(ew, tower.hypergradients(0, "weights").get("alpha"), 1e-5 * Math.abs(ew));
                        assertEquals(eb, tower.hypergradients(0, "biases").get("alpha"), 1e-5 * Math.abs(eb));
                    }
                    prevW = gw;
                    prevB = gb;
                }
                assertNotEquals(tower.hyperparameters("weights").get("alpha"), tower.hyperparameters("biases").get("alpha"));
                assertTrue(tower.trace().containsKey("L0.weights.alpha") && tower.trace().containsKey("L1.alpha"),
                        tower.trace().toString());
            }
        }
    }

    static Stream<Arguments> roundTripCases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : TestBackends.names()) {
            out.add(Arguments.of(backend, "adam(lr=0.01, learn=lr+beta1)/adam(1e-3, learn=lr)/sgd(1e-4)"));
            out.add(Arguments.of(backend, "shampoo(0.05, momentum=0.5)/sgd(1e-3)"));
        }
        return out.stream();
    }

    @Test
    void aFrozenGroupKeepsItsValuesAndContributesNoHypergradient() {
        Backend b = new ReferenceBackend();
        Quartic q = new Quartic(4, 12);
        try (QuarticProblem prob = q.problem(b)) {
            ParameterSet set = ParameterSet.ofGroups(List.of(ParameterGroup.of("first", List.of(prob.parameters().get(0))),
                    ParameterGroup.of("second", List.of(prob.parameters().get(1)))));
            try (HyperOptimizer tower = Towers.parse("sgd(0.05)/sgd(0.01)", GDTUO).build(set, b)) {
                prob.computeGradients(0);
                tower.step();
                tower.setFrozen("second", true);
                assertTrue(tower.isFrozen("second"));
                float[] frozen = prob.parameters().get(1).value().toArray();
                prob.computeGradients(1);
                tower.step();
                assertArrayEquals(frozen, prob.parameters().get(1).value().toArray());
                prob.computeGradients(2);
                tower.step();
                assertEquals(0.0, tower.hypergradients(0, "second").get("alpha"), "a frozen group did not move");
                assertNotEquals(0.0, tower.hypergradients(0, "first").get("alpha"));
                assertEquals("true", tower.state().options().get("L0/frozen/second"));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("roundTripCases")
    void stateRoundTripContinuesBitForBit(String backendName, String stack) throws IOException {
        Backend b = TestBackends.named(backendName);
        Quartic q = new Quartic(10, 6);
        List<float[]> expected;
        Map<String, Double> expectedTrace;
        Path file = dir.resolve("tower.state");
        List<float[]> middle;
        try (QuarticProblem prob = q.problem(b); HyperOptimizer tower = Towers.parse(stack, RegistryCatalog.discover()).build(prob.parameterSet(), b)) {
            for (int t = 0; t < 5; t++) {
                prob.computeGradients(t);
                tower.step();
            }
            tower.state().write(file);
            middle = values(prob.parameters());
            for (int t = 5; t < 10; t++) {
                prob.computeGradients(t);
                tower.step();
            }
            expected = values(prob.parameters());
            expectedTrace = tower.trace();
        }
        try (QuarticProblem prob = q.problem(b); HyperOptimizer tower = Towers.parse(stack, RegistryCatalog.discover()).build(prob.parameterSet(), b)) {
            for (int i = 0; i < middle.size(); i++) {
                prob.parameters().get(i).value().copyFrom(middle.get(i));
            }
            tower.loadState(StateDict.read(file));
            assertEquals(5, tower.stepCount());
            for (int t = 5; t < 10; t++) {
                prob.computeGradients(t);
                tower.step();
            }
            List<float[]> actual = values(prob.parameters());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i));
            }
            assertEquals(expectedTrace, tower.trace());
        }
    }

    @Test
    void refusesTheStateOfAnotherTowerAndChangesNothing() {
        Backend b = new ReferenceBackend();
        Quartic q = new Quartic(3, 7);
        try (QuarticProblem prob = q.problem(b);
             HyperOptimizer a = Towers.parse("adam(learn=lr+beta1)/sgd(1e-4)", RegistryCatalog.discover()).build(prob.parameterSet(), b);
             HyperOptimizer other = Towers.parse("adam/sgd(1e-4)", RegistryCatalog.discover()).build(prob.parameterSet(), b);
             HyperOptimizer taller = Towers.parse("adam/sgd(1e-4)/sgd(1e-4)", RegistryCatalog.discover()).build(prob.parameterSet(), b)) {
            prob.computeGradients(0);
            a.step();
            StateDict s = a.state();
            StateDict before = other.state();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadState(s));
            assertTrue(e.getMessage().contains("learn"), e.getMessage());
            assertEquals(before, other.state());
            e = assertThrows(IllegalArgumentException.class, () -> taller.loadState(s));
            assertTrue(e.getMessage().contains("adam/sgd/sgd"), e.getMessage());
        }
    }

    @Test
    void nonFiniteGradientsFailOrSkipWithoutChangingAnything() {
        Backend b = new ReferenceBackend();
        Quartic q = new Quartic(3, 8);
        try (QuarticProblem prob = q.problem(b);
             HyperOptimizer tower = Towers.parse("adam(0.01)/sgd(1e-4)", GDTUO).build(prob.parameterSet(), b)) {
            prob.computeGradients(0);
            tower.step();
            prob.computeGradients(1);
            Parameter w = prob.parameters().get(0);
            float[] g = w.gradient().toArray();
            g[2] = Float.NaN;
            w.gradient().copyFrom(g);
            List<float[]> before = values(prob.parameters());
            StateDict state = tower.state();
            IllegalStateException e = assertThrows(IllegalStateException.class, tower::step);
            assertTrue(e.getMessage().contains(w.name()) && e.getMessage().contains("non-finite"), e.getMessage());
            assertUnchanged(before, prob.parameters());
            assertEquals(state, tower.state());
            tower.setNonFinitePolicy(NonFinitePolicy.SKIP_NON_FINITE);
            tower.step();
            assertEquals(1, tower.skippedSteps());
            assertEquals(1, tower.stepCount());
            assertUnchanged(before, prob.parameters());
        }
    }

    @Test
    void anOverflowingHypergradientNamesLevelAndHyperparameter() {
        Backend b = new ReferenceBackend();
        Shape shape = Shape.vector(4);
        Parameter p = new Parameter("x", b.zeros(shape), b.full(shape, 1e20f));
        try (HyperOptimizer tower = Towers.parse("sgd(0.01)/sgd(0.01)", GDTUO).build(ParameterSet.of(List.of(p)), b)) {
            tower.step();
            List<float[]> before = values(List.of(p));
            StateDict state = tower.state();
            IllegalStateException e = assertThrows(IllegalStateException.class, tower::step);
            assertTrue(e.getMessage().contains("level 0 (sgd) hyperparameter alpha"), e.getMessage());
            assertUnchanged(before, List.of(p));
            assertEquals(state, tower.state());
            tower.setNonFinitePolicy(NonFinitePolicy.SKIP_NON_FINITE);
            tower.step();
            assertEquals(1, tower.skippedSteps());
        }
    }

    @Test
    void aParameterMadeNonFiniteIsReportedNotSilent() {
        Backend b = new ReferenceBackend();
        Shape shape = Shape.vector(4);
        Parameter p = new Parameter("x", b.zeros(shape), b.full(shape, 10f));
        try (HyperOptimizer tower = Towers.parse("sgd(1e38)/sgd(1e-3)", GDTUO).build(ParameterSet.of(List.of(p)), b)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, tower::step);
            assertTrue(e.getMessage().contains("4 element(s) of x non-finite") && e.getMessage().contains("L0.alpha"),
                    e.getMessage());
        }
    }

    @Test
    void aHyperparameterLeavingItsDomainIsCaughtBeforeTheModelChanges() {
        Backend b = new ReferenceBackend();
        Quartic q = new Quartic(30, 9);
        try (QuarticProblem prob = q.problem(b);
             HyperOptimizer tower = Towers.parse("adam(0.01, learn=beta1)/sgd(1e12)", GDTUO).build(prob.parameterSet(), b)) {
            IllegalStateException failure = null;
            for (int t = 0; t < 30 && failure == null; t++) {
                prob.computeGradients(t);
                List<float[]> before = values(prob.parameters());
                try {
                    tower.step();
                } catch (IllegalStateException e) {
                    failure = e;
                    assertUnchanged(before, prob.parameters());
                }
            }
            assertTrue(failure != null, "beta1 should have been driven out of (0, 1)");
            assertTrue(failure.getMessage().contains("level 0 (adam) hyperparameter beta1")
                    && failure.getMessage().contains("0 < beta1 < 1"), failure.getMessage());
            double beta1 = tower.hyperparameters().get("beta1");
            assertTrue(beta1 > 0 && beta1 < 1, "restored beta1 " + beta1);
        }
    }

    @Test
    void refusesTowersThatCannotLearn() {
        Backend b = new ReferenceBackend();
        Quartic q = new Quartic(1, 10);
        try (QuarticProblem prob = q.problem(b)) {
            LevelSpec adam = RegistryCatalog.discover().level("adam", null, Map.of());
            LevelSpec zero = RegistryCatalog.discover().level("sgd", 0.0, Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new HyperOptimizer(List.of(adam, zero), b, prob.parameterSet()));
            assertTrue(e.getMessage().contains("level 1 (sgd)") && e.getMessage().contains("> 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new HyperOptimizer(List.of(zero, adam), b, prob.parameterSet()));
            assertTrue(e.getMessage().contains("lr = 0.0 cannot be learned"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new HyperOptimizer(List.of(adam, adam.learning(List.of("lr"))), b, prob.parameterSet()));
            assertTrue(e.getMessage().contains("top of the stack"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new HyperOptimizer(List.of(adam.learning(List.of()), adam), b, prob.parameterSet()));
            assertTrue(e.getMessage().contains("nothing to learn"), e.getMessage());
        }
    }

    @Test
    void actsAsAnOptimizer() {
        Backend b = new ReferenceBackend();
        Quartic q = new Quartic(4, 11);
        try (QuarticProblem prob = q.problem(b)) {
            HyperOptimizer tower = Towers.parse("adam(1e-3, beta1=0.8)/sgd(1e-5)", RegistryCatalog.discover()).build(prob.parameterSet(), b);
            assertEquals("adam/sgd", tower.name());
            assertEquals(2, tower.height());
            assertEquals(List.of("lr"), tower.learnable(0));
            assertEquals(0.8, tower.hyperparameters().get("beta1"), 1e-12);
            tower.setHyperparameter("lr", 0.02);
            assertEquals(0.02, tower.hyperparameters().get("lr"), 1e-8);
            tower.setHyperparameter("beta1", 0.7);
            assertEquals(0.7, tower.hyperparameters().get("beta1"), 1e-12);
            assertThrows(IllegalArgumentException.class, () -> tower.setHyperparameter("beta1", 1.5));
            assertThrows(IllegalArgumentException.class, () -> tower.setHyperparameter("bogus", 1));
            for (int t = 0; t < 4; t++) {
                prob.computeGradients(t);
                tower.step();
            }
            assertNotEquals(0.02, tower.hyperparameters().get("lr"), "lr is learned");
            assertEquals(4, tower.stepCount());
            assertTrue(tower.levelKernel(0).storedBuffers().contains("dp.lr"), tower.levelKernel(0).toString());
            tower.close();
            assertThrows(IllegalStateException.class, tower::step);
        }
    }

    private static void assertUnchanged(List<float[]> before, List<Parameter> params) {
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(before.get(i), params.get(i).value().toArray(), params.get(i).name());
        }
    }
}
