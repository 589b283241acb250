package org.optopt.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Capabilities;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.hyper.RegistryCatalog;
import org.optopt.optimizers.spec.Towers;

class OptimizerTableTest {
    private final Backend backend = new ReferenceBackend();

    @Test
    void everyRegisteredOptimizerHasARowAndEveryRowIsRegistered() {
        List<String> registered = Optimizers.discover().names();
        List<String> rows = OptimizerCases.CASES.stream().map(OptimizerCases.Case::name).sorted().toList();
        assertEquals(registered, rows, "registered optimizers vs. rows of OptimizerCases");
        assertTrue(registered.size() >= 11, "registry found " + registered);
    }

    static Stream<Arguments> validConfigurations() {
        return OptimizerCases.CASES.stream().flatMap(c -> c.valid().stream().map(v -> Arguments.of(c.name(), v)));
    }

    static Stream<Arguments> errorConfigurations() {
        return OptimizerCases.CASES.stream().flatMap(c -> c.errors().stream().map(e -> Arguments.of(c.name(), e)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("validConfigurations")
    void validConfigurationsStepAndChangeEveryParameter(String name, Map<String, Object> config) {
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.matrix(3, 5), Shape.vector(7));
        float[] before = params.get(0).value().toArray();
        try (Optimizer opt = Optimizers.discover().provider(name).create(backend, ParameterSet.of(params), config)) {
            TestProblems.parabola(params, 11);
            opt.step(TestProblems.parabolaClosure(params, 11));
            assertEquals(1, opt.stepCount());
            float[] after = params.get(0).value().toArray();
            for (int i = 0; i < after.length; i++) {
                assertTrue(after[i] != before[i] && Float.isFinite(after[i]), name + " left element " + i + " at " + after[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("errorConfigurations")
    void errorConfigurationsAreRefusedWithTheirMessage(String name, OptimizerCases.ErrorCase error) {
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.vector(4));
        OptimizerProvider provider = Optimizers.discover().provider(name);
        Exception e = assertThrows(error.type(), () -> provider.create(backend, ParameterSet.of(params), error.config()));
        assertTrue(java.util.regex.Pattern.compile(error.messagePattern()).matcher(e.getMessage()).find(),
                () -> "message '" + e.getMessage() + "' does not match /" + error.messagePattern() + "/");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void firstValidConfigurationConvergesOnAParabola(String name) {
        OptimizerCases.Case row = OptimizerCases.of(name);
        List<Parameter> params = TestProblems.parameters(backend, 5, Shape.matrix(4, 6), Shape.vector(9));
        try (Optimizer opt = Optimizers.discover().provider(name).create(backend, ParameterSet.of(params), row.valid().get(0))) {
            double initial = TestProblems.parabola(params, 11);
            double loss = initial;
            Closure closure = TestProblems.parabolaClosure(params, 11);
            for (int t = 0; t < OptimizerCases.CONVERGE_STEPS; t++) {
                opt.step(closure);
                loss = TestProblems.parabola(params, 11);
            }
            assertTrue(loss < row.convergeBelow() * initial,
                    name + ": loss " + loss + " not below " + row.convergeBelow() + " of initial " + initial);
        }
    }

    static Stream<String> names() {
        return OptimizerCases.CASES.stream().map(OptimizerCases.Case::name);
    }

    @Test
    void unknownOptimizerNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.discover().provider("adamx"));
        assertTrue(e.getMessage().contains("Unknown optimizer 'adamx'") && e.getMessage().contains("adamax, adamw"),
                e.getMessage());
    }

    static Stream<String> rows() {
        return OptimizerCases.CASES.stream().map(OptimizerCases.Case::name);
    }

    /**
     * The row's capability columns are what the optimizer declares, and they hold: a tower level
     * is in the registry's catalog and learns each differentiable hyperparameter (the tower
     * parser accepts {@code learn=h} only for a scalar of the level's rule), an averaged optimizer
     * says it averages its parameters.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void declaredCapabilitiesAreTheRowsAndHold(String name) {
        Capabilities expected = OptimizerCases.of(name).capabilities();
        OptimizerDefinition definition = (OptimizerDefinition) Optimizers.discover().provider(name);
        assertEquals(expected, definition.capabilities(), name);
        assertEquals(expected.towerLevel(), RegistryCatalog.discover().names().contains(name), name + " as a tower level");
        for (String h : expected.differentiable()) {
            assertEquals(List.of(h), Towers.parse(name + "(learn=" + h + ")/sgd(1e-5)", Optimizers.discover()).levels().get(0).learnable());
        }
        List<Parameter> params = TestProblems.parameters(backend, 1, Shape.matrix(2, 3));
        try (Optimizer o = definition.create(backend, ParameterSet.of(params), OptimizerCases.of(name).valid().get(0))) {
            assertEquals(expected.averaged(), o.averagesParameters(), name + " averages its parameters");
        }
    }

    @Test
    void everyElementwiseProviderPrintsItsKernelAndDefinitions() {
        for (OptimizerProvider p : Optimizers.discover().providers()) {
            String rule = p.updateRule(Map.of());
            assertTrue(rule.startsWith("kernel ") || !OptimizerCases.of(p.name()).capabilities().elementwise(),
                    p.name() + ": " + rule);
            assertTrue(rule.contains("p = "), p.name() + " rule does not store p: " + rule);
            assertTrue(p.hyperparameters().stream().anyMatch(h -> h.name().equals("lr")), p.name() + " has no lr");
        }
        String adam = Optimizers.discover().provider("adam").updateRule(Map.of("amsgrad", "true"));
        assertTrue(adam.contains("vmax = max(vmax, v)"), adam);
    }
}
