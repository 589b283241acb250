package org.optopt.optimizers.linesearch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.LineBound;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;

/**
 * SafeRate on the {@code google/autobound} notebook's demo, {@code f(x) = (x - 3)^4} from
 * {@code x0 = 0} (SEEDS.md D.3): the notebook prints loss 81, a first learning rate of
 * 4.26694e-05, loss 8.26e-6 at step 16 and 2.0e-15 at step 32. The bound here is AutoBound's for
 * an integer power, written out in closed form: {@code (u0 + eta d)^4} expanded, the terms of
 * degree 3 and 4 bounded by {@code [0, eta_max^(k-2)]} times their coefficient.
 */
class SafeRateTest {
    private final Backend backend = new ReferenceBackend();

    /** The demo's loss as a closure over the one-element parameter {@code x}. */
    private static Closure quartic(Parameter x) {
        return Closure.of(() -> {
            double u = x.value().toArray()[0] - 3.0;
            x.gradient().copyFrom(new float[] {(float) (4 * u * u * u)});
            return u * u * u * u;
        }, (direction, maxStep) -> {
            double u0 = x.value().toArray()[0] - 3.0;
            double d = direction.get("x")[0];
            double[] p = {u0 * u0 * u0 * u0, 4 * u0 * u0 * u0 * d, 6 * u0 * u0 * d * d, 4 * u0 * d * d * d, d * d * d * d};
            double hi = p[2] + Math.max(0, p[3] * maxStep) + Math.max(0, p[4] * maxStep * maxStep);
            double lo = p[2] + Math.min(0, p[3] * maxStep) + Math.min(0, p[4] * maxStep * maxStep);
            return new LineBound(p[0], p[1], lo, hi, maxStep);
        });
    }

    private Parameter scalar(String name, float value) {
        return new Parameter(name, backend.fromArray(new float[] {value}, Shape.vector(1)), backend.zeros(Shape.vector(1)));
    }

    @Test
    void notebookDemoReachesItsPublishedLossesAndNeverIncreases() {
        Parameter x = scalar("x", 0f);
        Closure closure = quartic(x);
        List<Double> losses = new ArrayList<>();
        List<Double> etas = new ArrayList<>();
        try (Optimizer opt = Optimizers.discover().provider("saferate").create(backend, ParameterSet.of(List.of(x)),
                Map.of())) {
            for (int step = 0; step <= 32; step++) {
                losses.add(closure.evaluate());
                if (step < 32) {
                    opt.step(closure);
                    etas.add(opt.trace().get("eta"));
                }
            }
        }
        assertEquals(81.0, losses.get(0));
        assertEquals(4.26694e-05, etas.get(0), 1e-10, "the notebook's first learning rate");
        assertTrue(losses.get(16) <= 8.3e-6, "loss at step 16: " + losses.get(16));
        assertTrue(losses.get(32) <= 2.1e-15, "loss at step 32: " + losses.get(32));
        for (int t = 1; t < losses.size(); t++) {
            assertTrue(losses.get(t) <= losses.get(t - 1), "loss rose at step " + t + ": " + losses);
        }
    }

    @Test
    void trustRegionDoublesWhenTheStepUsesItAndHalvesOtherwise() {
        Parameter x = scalar("x", 0f);
        Closure closure = quartic(x);
        try (Optimizer opt = Optimizers.discover().provider("saferate").create(backend, ParameterSet.of(List.of(x)),
                Map.of("lr", 2.0))) {
            closure.evaluate();
            opt.step(closure);
            assertEquals(1.0, opt.trace().get("eta_max"), "a step of 4e-5 < 2/2 halves eta_max");
        }
        // A 1-d quadratic (x-1)^2 from 0: the exact bound's minimizer 0.5 is at least half of eta_max = 1.
        Parameter y = scalar("y", 0f);
        Closure parabola = Closure.of(() -> {
            double u = y.value().toArray()[0] - 1.0;
            y.gradient().copyFrom(new float[] {(float) (2 * u)});
            return u * u;
        }, (direction, maxStep) -> {
            double u0 = y.value().toArray()[0] - 1.0;
            double d = direction.get("y")[0];
            return new LineBound(u0 * u0, 2 * u0 * d, d * d, d * d, maxStep);
        });
        try (Optimizer opt = Optimizers.discover().provider("saferate").create(backend, ParameterSet.of(List.of(y)),
                Map.of())) {
            parabola.evaluate();
            opt.step(parabola);
            assertEquals(0.5, opt.trace().get("eta"));
            assertEquals(2.0, opt.trace().get("eta_max"));
            assertEquals(0.0, parabola.evaluate(), "one step to the minimum of a 1-d quadratic, as the notebook asserts");
        }
    }

    @Test
    void aLossWithoutBoundIsRefusedAsNotFullBatchAndNothingChanges() {
        Parameter x = scalar("x", 0.5f);
        x.gradient().copyFrom(new float[] {1f});
        Closure miniBatch = Closure.of(() -> 1.0, "the loss is a mini-batch estimate");
        try (Optimizer opt = Optimizers.discover().provider("saferate").create(backend, ParameterSet.of(List.of(x)),
                Map.of())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.step(miniBatch));
            assertEquals("saferate is for full-batch problems: the loss is a mini-batch estimate", e.getMessage());
            IllegalStateException plain = assertThrows(IllegalStateException.class, opt::step);
            assertTrue(plain.getMessage().contains("saferate needs the loss as a function of the step: call step(closure)"),
                    plain.getMessage());
            assertEquals(0, opt.stepCount());
            assertArrayEquals(new float[] {0.5f}, x.value().toArray());
        }
    }
}
