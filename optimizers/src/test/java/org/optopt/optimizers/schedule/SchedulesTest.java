package org.optopt.optimizers.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.BaseOptimizer;
import org.optopt.optimizers.TestProblems;
import org.optopt.optimizers.sgd.Sgd;

/** Every schedule against hand-evaluated closed forms at characteristic positions. */
class SchedulesTest {
    private static final double TOL = 1e-12;

    @Test
    void constantStepExponential() {
        assertEquals(0.3, Schedules.constant().value(1000, 0.3));
        Schedule step = Schedules.step(30, 0.1);
        assertEquals(0.1, step.value(0, 0.1), TOL);
        assertEquals(0.1, step.value(29, 0.1), TOL);
        assertEquals(0.01, step.value(30, 0.1), TOL);
        assertEquals(0.001, step.value(60, 0.1), TOL);
        assertEquals(0.1 * Math.pow(0.9, 7), Schedules.exponential(0.9).value(7, 0.1), TOL);
    }

    @Test
    void cosineHitsItsEndpointsAndMidpoint() {
        Schedule c = Schedules.cosine(100, 0.001);
        assertEquals(0.1, c.value(0, 0.1), TOL);
        assertEquals((0.1 + 0.001) / 2, c.value(50, 0.1), TOL);
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI / 4)) / 2, c.value(25, 0.1), TOL);
        assertEquals(0.001, c.value(100, 0.1), TOL);
        assertEquals(0.001, c.value(500, 0.1), TOL);
    }

    @Test
    void warmRestartsRestartAtTheBaseWithGrowingPeriods() {
        Schedule r = Schedules.cosineWarmRestarts(10, 2, 0.0);
        assertEquals(1.0, r.value(0, 1.0), TOL);
        assertEquals(0.5, r.value(5, 1.0), TOL);
        assertEquals(1.0, r.value(10, 1.0), TOL);
        assertEquals(0.5, r.value(20, 1.0), TOL);
        assertEquals(1.0, r.value(30, 1.0), TOL);
        assertEquals(0.5, r.value(50, 1.0), TOL);
    }

    @Test
    void linearWarmupPolynomialOneCycle() {
        Schedule w = Schedules.linearWarmup(4, 0.2);
        assertEquals(0.2, w.value(0, 1.0), TOL);
        assertEquals(0.6, w.value(2, 1.0), TOL);
        assertEquals(1.0, w.value(4, 1.0), TOL);
        assertEquals(1.0, w.value(40, 1.0), TOL);
        Schedule poly = Schedules.polynomial(10, 2);
        assertEquals(0.25, poly.value(5, 1.0), TOL);
        assertEquals(0.0, poly.value(10, 1.0), TOL);
        assertEquals(0.5, Schedules.polynomial(10, 1).value(5, 1.0), TOL);
        Schedule one = Schedules.oneCycle(101, 0.3, 25, 1e4);
        double peakAt = 0.3 * 101 - 1;
        assertEquals(1.0 / 25, one.value(0, 1.0), TOL);
        assertEquals(1.0 / 25 + (1 - 1.0 / 25) * (1 - Math.cos(Math.PI * 10 / peakAt)) / 2, one.value(10, 1.0), TOL);
        assertEquals(1.0 / 25 / 1e4, one.value(100, 1.0), TOL);
        Schedule even = Schedules.oneCycle(100, 0.3, 25, 1e4);
        assertEquals(1.0, even.value(29, 1.0), 1e-9);
        assertEquals((1 + 1.0 / 25 / 1e4) / 2, even.value(64, 1.0), 1e-9);
    }

    @Test
    void warmupThenCosine() {
        Schedule s = Schedules.warmupCosine(10, 110, 0.0);
        assertEquals(0.0, s.value(0, 1.0), TOL);
        assertEquals(0.5, s.value(5, 1.0), TOL);
        assertEquals(1.0, s.value(10, 1.0), TOL);
        assertEquals(0.5, s.value(60, 1.0), TOL);
        assertEquals(0.0, s.value(110, 1.0), TOL);
    }

    @Test
    void invalidParametersAndPositionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Schedules.step(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> Schedules.linearWarmup(5, 1.5));
        assertThrows(IllegalArgumentException.class, () -> Schedules.constant().value(-1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Schedules.warmupCosine(10, 10, 0));
    }

    @Test
    void aScheduleDrivesAnyHyperparameterOfEachGroupFromItsBase() {
        ReferenceBackend backend = new ReferenceBackend();
        List<Parameter> params = TestProblems.parameters(backend, 1, Shape.vector(3));
        try (BaseOptimizer sgd = new Sgd().create(backend, ParameterSet.of(params), Map.of("lr", 0.1, "momentum", 0.8))) {
            sgd.schedule("momentum", Schedules.step(2, 0.5));
            sgd.schedule("lr", Schedules.linearWarmup(2, 0.5));
            assertEquals(0.8, sgd.effectiveHyperparameters("default").get("momentum"), TOL);
            assertEquals(0.05, sgd.effectiveHyperparameters("default").get("lr"), TOL);
            sgd.step();
            sgd.step();
            assertEquals(0.4, sgd.effectiveHyperparameters("default").get("momentum"), TOL);
            assertEquals(0.1, sgd.effectiveHyperparameters("default").get("lr"), TOL);
            assertEquals(0.8, sgd.hyperparameters().get("momentum"), "base value changed");
            assertEquals(2, sgd.schedulePosition("momentum"));
        }
    }
}
