package org.optopt.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
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
import org.optopt.optimizers.schedule.Schedules;

/** The shared contract: state round trips and refusals, non-finite gradients, groups, hyperparameter writes. */
class BaseOptimizerTest {
    private final Backend backend = new ReferenceBackend();

    @TempDir
    Path dir;

    static List<String> names() {
        return OptimizerCases.CASES.stream().map(OptimizerCases.Case::name).toList();
    }

    private Optimizer create(String name, List<Parameter> params) {
        return Optimizers.discover().provider(name).create(backend, ParameterSet.of(params),
                OptimizerCases.of(name).valid().get(0));
    }

    private static List<float[]> values(List<Parameter> params) {
        List<float[]> out = new ArrayList<>();
        params.forEach(p -> out.add(p.value().toArray()));
        return out;
    }

    private static void steps(Optimizer opt, List<Parameter> params, int from, int n) {
        for (int t = from; t < from + n; t++) {
            TestProblems.parabola(params, 100 + t);
            opt.step(TestProblems.parabolaClosure(params, 100 + t));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void stateRoundTripsThroughAFileAndContinuesBitForBit(String name) throws IOException {
        List<Parameter> a = TestProblems.parameters(backend, 9, Shape.matrix(3, 4), Shape.vector(5));
        List<Parameter> b = TestProblems.parameters(backend, 9, Shape.matrix(3, 4), Shape.vector(5));
        try (BaseOptimizer first = (BaseOptimizer) create(name, a); BaseOptimizer second = (BaseOptimizer) create(name, b)) {
            first.schedule("lr", Schedules.exponential(0.97));
            second.schedule("lr", Schedules.exponential(0.97));
            steps(first, a, 0, 5);
            first.setHyperparameter("lr", first.hyperparameters().get("lr") * 0.5);
            Path file = dir.resolve(name + ".state");
            first.state().write(file);
            StateDict read = StateDict.read(file);
            assertEquals(first.state(), read, "state read back differs");
            for (int i = 0; i < a.size(); i++) {
                b.get(i).value().copyFrom(a.get(i).value().toArray());
            }
            second.loadState(read);
            assertEquals(first.state(), second.state());
            assertEquals(5, second.schedulePosition("lr"));
            steps(first, a, 5, 4);
            steps(second, b, 5, 4);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray(), name + " diverged after load");
            }
            assertEquals(first.state(), second.state());
        }
    }

    @Test
    void mismatchedStatesAreRefusedAndNothingIsHalfLoaded() throws IOException {
        List<Parameter> a = TestProblems.parameters(backend, 1, Shape.matrix(3, 4), Shape.vector(5));
        try (Optimizer adam = create("adam", a)) {
            steps(adam, a, 0, 3);
            StateDict good = adam.state();
            List<Parameter> c = TestProblems.parameters(backend, 2, Shape.matrix(3, 4), Shape.vector(5));
            try (Optimizer target = create("adam", c)) {
                steps(target, c, 0, 1);
                StateDict before = target.state();
                assertRefused(target, create("sgd", a).state(), "State is of optimizer 'sgd', not 'adam'");
                List<Parameter> otherShapes = TestProblems.parameters(backend, 1, Shape.matrix(4, 3), Shape.vector(5));
                assertRefused(target, create("adam", otherShapes).state(), "State has parameters \\[W\\[4, 3\\], b\\[5\\]\\]");
                List<Parameter> amsParams = TestProblems.parameters(backend, 1, Shape.matrix(3, 4), Shape.vector(5));
                StateDict ams = Optimizers.discover().provider("adam").create(backend, ParameterSet.of(amsParams),
                        Map.of("amsgrad", true)).state();
                assertRefused(target, ams, "choice/amsgrad=true");
                List<StateDict.StateTensor> lastBroken = new ArrayList<>(good.tensors());
                StateDict.StateTensor last = lastBroken.removeLast();
                StateDict missing = new StateDict(good.optimizer(), good.parameters(), good.stepCount(), good.skippedSteps(),
                        good.options(), good.scalars(), lastBroken);
                assertRefused(target, missing, "State lacks buffer " + last.buffer() + " of parameter " + last.parameter());
                Map<String, Double> badHyper = new java.util.LinkedHashMap<>(good.scalars());
                badHyper.put("hyper/default/lr", -1.0);
                assertRefused(target, new StateDict(good.optimizer(), good.parameters(), good.stepCount(),
                        good.skippedSteps(), good.options(), badHyper, good.tensors()), "lr = -1\\.0");
                assertEquals(before, target.state(), "a refused load changed the state");
                target.loadState(good);
                assertEquals(good, target.state());
            }
        }
    }

    /**
     * {@code states/adam-layout1.state} was written by the commit before the runtime refactoring
     * (layout 1, no {@code layout} key): adam(lr=0.01, amsgrad) over W = [[1, -2, 3], [-4, 0.5, -0.25]]
     * and b = [0.1, -0.2], lr under exponential(0.9), after 3 steps with gradient = parameter. It
     * loads, equals the state this build reaches by the same steps, and continues identically.
     */
    @Test
    void aPlainOptimizerStateFileOfLayoutOneLoads() throws Exception {
        StateDict old = StateDict.read(Path.of(getClass().getResource("/states/adam-layout1.state").toURI()));
        assertEquals(null, old.options().get("layout"), "not a layout 1 file");
        List<Parameter> a = layoutOneParameters();
        List<Parameter> b = layoutOneParameters();
        try (BaseOptimizer ran = layoutOneAdam(a); BaseOptimizer loaded = layoutOneAdam(b)) {
            for (int t = 0; t < 3; t++) {
                a.forEach(p -> p.gradient().copyFrom(p.value().toArray()));
                ran.step();
            }
            loaded.loadState(old);
            assertEquals(ran.state(), loaded.state());
            assertEquals(3, loaded.schedulePosition("lr"));
            for (int i = 0; i < a.size(); i++) {
                b.get(i).value().copyFrom(a.get(i).value().toArray());
            }
            for (BaseOptimizer o : List.of(ran, loaded)) {
                List<Parameter> params = o == ran ? a : b;
                for (int t = 0; t < 2; t++) {
                    params.forEach(p -> p.gradient().copyFrom(p.value().toArray()));
                    o.step();
                }
            }
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray());
            }
        }
    }

    private List<Parameter> layoutOneParameters() {
        return List.of(new Parameter("W", backend.fromArray(new float[] {1, -2, 3, -4, 0.5f, -0.25f}, Shape.matrix(2, 3)),
                        backend.zeros(Shape.matrix(2, 3))),
                new Parameter("b", backend.fromArray(new float[] {0.1f, -0.2f}, Shape.vector(2)), backend.zeros(Shape.vector(2))));
    }

    private BaseOptimizer layoutOneAdam(List<Parameter> params) {
        BaseOptimizer o = (BaseOptimizer) Optimizers.discover().provider("adam").create(backend, ParameterSet.of(params),
                Map.of("lr", 0.01, "amsgrad", true));
        o.schedule("lr", Schedules.exponential(0.9));
        return o;
    }

    @Test
    void aStateOfALaterLayoutIsRefused() {
        List<Parameter> a = layoutOneParameters();
        try (BaseOptimizer adam = layoutOneAdam(a)) {
            StateDict s = adam.state();
            Map<String, String> options = new java.util.LinkedHashMap<>(s.options());
            options.put("layout", "3");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(
                    new StateDict(s.optimizer(), s.parameters(), s.stepCount(), s.skippedSteps(), options, s.scalars(),
                            s.tensors())));
            assertTrue(e.getMessage().contains("layout version 3"), e.getMessage());
        }
    }

    private static void assertRefused(Optimizer target, StateDict state, String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadState(state));
        assertTrue(java.util.regex.Pattern.compile(pattern).matcher(e.getMessage()).find(), e.getMessage());
    }

    @Test
    void corruptFilesOfOtherVersionsOrTruncatedAreRefused() throws IOException {
        List<Parameter> a = TestProblems.parameters(backend, 1, Shape.vector(5));
        try (Optimizer opt = create("adam", a)) {
            steps(opt, a, 0, 2);
            Path file = dir.resolve("adam.state");
            opt.state().write(file);
            byte[] bytes = Files.readAllBytes(file);
            byte[] version = bytes.clone();
            version[11] = 2;
            Files.write(dir.resolve("v2.state"), version);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> StateDict.read(dir.resolve("v2.state")))
                    .getMessage().contains("has state format version 2; this build reads version 1"));
            Files.write(dir.resolve("short.state"), java.util.Arrays.copyOf(bytes, bytes.length - 3));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> StateDict.read(dir.resolve("short.state")))
                    .getMessage().contains("is truncated"));
            Files.writeString(dir.resolve("text.state"), "{\"not\": \"a state\"}");
            assertTrue(assertThrows(IllegalArgumentException.class, () -> StateDict.read(dir.resolve("text.state")))
                    .getMessage().contains("not an optopt optimizer state file"));
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "temporary file left behind");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void nonFiniteGradientFailsNamingTheParameterAndChangesNothing(String name) {
        List<Parameter> a = TestProblems.parameters(backend, 4, Shape.matrix(2, 3), Shape.vector(4));
        try (Optimizer opt = create(name, a)) {
            steps(opt, a, 0, 2);
            StateDict state = opt.state();
            List<float[]> before = values(a);
            float[] g = a.get(1).gradient().toArray();
            g[2] = Float.NaN;
            a.get(1).gradient().copyFrom(g);
            IllegalStateException e = assertThrows(IllegalStateException.class, opt::step);
            assertTrue(e.getMessage().contains("Gradient of parameter b has 1 non-finite element"), e.getMessage());
            assertEquals(state, opt.state());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(before.get(i), a.get(i).value().toArray());
            }
            opt.setNonFinitePolicy(NonFinitePolicy.SKIP_NON_FINITE);
            g[2] = Float.NEGATIVE_INFINITY;
            a.get(1).gradient().copyFrom(g);
            opt.step();
            assertEquals(1, opt.skippedSteps());
            assertEquals(2, opt.stepCount());
            assertEquals(state.tensors(), opt.state().tensors());
        }
    }

    @Test
    void frozenGroupsStayPutAndGroupLearningRatesMatchSeparateOptimizers() {
        List<Parameter> a = TestProblems.parameters(backend, 6, Shape.matrix(2, 3), Shape.vector(3), Shape.vector(4));
        ParameterSet groups = ParameterSet.ofGroups(List.of(ParameterGroup.of("weights", List.of(a.get(0))),
                ParameterGroup.of("biases", List.of(a.get(1))).with("lr", 0.01),
                ParameterGroup.of("embedding", List.of(a.get(2))).freeze()));
        List<Parameter> w = TestProblems.parameters(backend, 6, Shape.matrix(2, 3));
        List<Parameter> bias = TestProblems.parameters(backend, 6, Shape.matrix(2, 3), Shape.vector(3)).subList(1, 2);
        var adam = Optimizers.discover().provider("adam");
        float[] frozen = a.get(2).value().toArray();
        try (Optimizer all = adam.create(backend, groups, Map.of("lr", 0.1));
             Optimizer onlyW = adam.create(backend, ParameterSet.of(w), Map.of("lr", 0.1));
             Optimizer onlyB = adam.create(backend, ParameterSet.of(bias), Map.of("lr", 0.01))) {
            assertEquals(0.01, all.hyperparameters("biases").get("lr"));
            assertTrue(all.isFrozen("embedding"));
            for (int t = 0; t < 3; t++) {
                TestProblems.parabola(a, t);
                TestProblems.parabola(List.of(w.get(0), bias.get(0)), t);
                all.step();
                onlyW.step();
                onlyB.step();
            }
            assertArrayEquals(w.get(0).value().toArray(), a.get(0).value().toArray());
            assertArrayEquals(bias.get(0).value().toArray(), a.get(1).value().toArray());
            assertArrayEquals(frozen, a.get(2).value().toArray(), "frozen group moved");
        }
    }

    @Test
    void hyperparameterWritesAreValidatedAndAtomic() {
        List<Parameter> a = TestProblems.parameters(backend, 6, Shape.vector(3));
        try (Optimizer sgd = Optimizers.discover().provider("sgd").create(backend, ParameterSet.of(a),
                Map.of("momentum", 0.9, "nesterov", true))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sgd.setHyperparameter("momentum", 0.0));
            assertTrue(e.getMessage().contains("Nesterov momentum requires momentum > 0"), e.getMessage());
            assertEquals(0.9, sgd.hyperparameters().get("momentum"));
            assertThrows(IllegalArgumentException.class, () -> sgd.setHyperparameter("default", "lr", Double.NaN));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> sgd.setHyperparameter("betas", 0.5))
                    .getMessage().contains("Unknown hyperparameter 'betas'"));
            sgd.setHyperparameter("lr", 0.5);
            assertEquals(0.5, sgd.hyperparameters().get("lr"));
        }
    }
}
