package org.optopt.optimizers.hyper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import org.optopt.optimizers.spec.Towers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.golden.QuarticProblem;
import org.optopt.optimizers.schedule.Schedules;

/** Schedules, freezing per level and group, and exact state round trips on towers. */
class TowerSettingsTest {
    private final Backend backend = new ReferenceBackend();

    @TempDir
    Path dir;

    @Test
    void aCosineScheduleDrivesTheLearningRateOfLevelZero() {
        float[] init = {1f, -2f, 0.5f, 3f, -0.25f};
        Parameter w = new Parameter("w", backend.fromArray(init, Shape.vector(5)), backend.zeros(Shape.vector(5)));
        String stack = "sgd(0.1, weight_decay=0.01, learn=weight_decay)/sgd(1e-3, frozen)";
        try (HyperOptimizer tower = Towers.parse(stack, Optimizers.discover()).build(ParameterSet.of(List.of(w)), backend)) {
            tower.schedule(0, "lr", Schedules.cosine(8, 0.01));
            float[] expected = init.clone();
            for (int t = 0; t < 10; t++) {
                w.gradient().copyFrom(w.value().toArray()); // loss |w|^2 / 2
                tower.step();
                // CosineAnnealingLR's closed form, held at its minimum after T = 8 steps.
                double lr = 0.01 + (0.1 - 0.01) * (1 + Math.cos(Math.PI * Math.min(t, 8) / 8)) / 2;
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (float) (expected[i] - lr * (expected[i] + 0.01 * expected[i]));
                }
                assertArrayEquals(expected, w.value().toArray(), 1e-6f, "step " + (t + 1));
            }
            assertEquals(10, tower.schedulePosition(0, "lr"));
            assertEquals(0.1, tower.levelHyperparameters(0, ParameterSet.DEFAULT_GROUP).get("lr"), "the base value stays");
            assertEquals(-1, tower.schedulePosition(1, "lr"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tower.schedule(0, "weight_decay", Schedules.exponential(0.9)));
            assertTrue(e.getMessage().contains("weight_decay is learned by level 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> tower.schedule(2, "lr", Schedules.constant()));
        }
    }

    @Test
    void freezingTheGroupOfAHyperLevelKeepsTheLearnedValuesOfTheLevelBelow() {
        Quartic q = new Quartic(12, 7);
        try (QuarticProblem prob = q.problem(backend);
             HyperOptimizer tower = Towers.parse("sgd(0.05)/sgd(0.01)", Optimizers.discover()).build(prob.parameterSet(), backend)) {
            prob.computeGradients(0);
            tower.step();
            tower.setFrozen(1, ParameterSet.DEFAULT_GROUP, true);
            assertTrue(tower.isFrozen(1, ParameterSet.DEFAULT_GROUP));
            double lr = tower.levelHyperparameters(0, ParameterSet.DEFAULT_GROUP).get("lr");
            float[] before = prob.parameters().get(0).value().toArray();
            for (int t = 1; t < 4; t++) {
                prob.computeGradients(t);
                tower.step();
                assertEquals(lr, tower.levelHyperparameters(0, ParameterSet.DEFAULT_GROUP).get("lr"), "step " + t);
            }
            assertNotEquals(before[0], prob.parameters().get(0).value().toArray()[0], "level 0 still trains");
            tower.setFrozen(1, ParameterSet.DEFAULT_GROUP, false);
            prob.computeGradients(4);
            tower.step();
            assertNotEquals(lr, tower.levelHyperparameters(0, ParameterSet.DEFAULT_GROUP).get("lr"));
            assertThrows(IllegalArgumentException.class, () -> tower.setFrozen(1, "nope", true));
        }
    }

    private HyperOptimizer scheduledTower(QuarticProblem prob) {
        ParameterSet set = ParameterSet.ofGroups(List.of(ParameterGroup.of("first", List.of(prob.parameters().get(0))),
                ParameterGroup.of("second", List.of(prob.parameters().get(1)))));
        HyperOptimizer tower = Towers.parse("adam(0.05, learn=lr+beta1)/adam(1e-3, learn=lr)/sgd(1e-4)", Optimizers.discover()).build(set, backend);
        tower.schedule(0, "beta2", Schedules.exponential(0.9995));
        tower.schedule(1, "beta1", Schedules.cosine(6, 0.5));
        return tower;
    }

    @Test
    void aScheduledTowerWithAFrozenGroupRoundTripsThroughAFileBitForBit() throws IOException {
        Quartic q = new Quartic(12, 7);
        Path file = dir.resolve("tower.state");
        List<float[]> middle;
        List<float[]> expected = new ArrayList<>();
        StateDict saved;
        Map<String, Double> expectedTrace;
        try (QuarticProblem prob = q.problem(backend); HyperOptimizer tower = scheduledTower(prob)) {
            for (int t = 0; t < 4; t++) {
                prob.computeGradients(t);
                tower.step();
            }
            tower.setFrozen(0, "second", true);
            prob.computeGradients(4);
            tower.step();
            tower.state().write(file);
            saved = tower.state();
            middle = values(prob);
            for (int t = 5; t < 11; t++) {
                prob.computeGradients(t);
                tower.step();
                expected.addAll(values(prob));
            }
            expectedTrace = tower.trace();
        }
        try (QuarticProblem prob = q.problem(backend); HyperOptimizer tower = scheduledTower(prob)) {
            for (int i = 0; i < middle.size(); i++) {
                prob.parameters().get(i).value().copyFrom(middle.get(i));
            }
            tower.loadState(StateDict.read(file));
            assertEquals(saved, tower.state(), "the loaded state differs from the saved one");
            assertTrue(tower.isFrozen(0, "second"));
            assertEquals(5, tower.schedulePosition(1, "beta1"));
            List<float[]> actual = new ArrayList<>();
            for (int t = 5; t < 11; t++) {
                prob.computeGradients(t);
                tower.step();
                actual.addAll(values(prob));
            }
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), "tensor " + i + " of the continued run");
            }
            assertEquals(expectedTrace, tower.trace());
        }
    }

    @Test
    void aStateWithAnotherScheduleOrWithoutLayoutIsRefusedAndChangesNothing() {
        Quartic q = new Quartic(12, 7);
        try (QuarticProblem prob = q.problem(backend); HyperOptimizer tower = scheduledTower(prob);
             HyperOptimizer plain = Towers.parse("adam(0.05, learn=lr+beta1)/adam(1e-3, learn=lr)/sgd(1e-4)", Optimizers.discover())
                     .build(ParameterSet.ofGroups(tower.parameters().groups()), backend)) {
            prob.computeGradients(0);
            tower.step();
            StateDict s = tower.state();
            StateDict before = plain.state();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plain.loadState(s));
            assertTrue(e.getMessage().contains("schedule/beta2"), e.getMessage());
            assertEquals(before, plain.state());
            Map<String, String> options = new java.util.LinkedHashMap<>(s.options());
            options.remove("layout");
            StateDict old = new StateDict(s.optimizer(), s.parameters(), s.stepCount(), s.skippedSteps(), options,
                    s.scalars(), s.tensors());
            e = assertThrows(IllegalArgumentException.class, () -> tower.loadState(old));
            assertTrue(e.getMessage().contains("layout version 1"), e.getMessage());
        }
    }

    private static List<float[]> values(QuarticProblem prob) {
        return prob.parameters().stream().map(p -> p.value().toArray()).toList();
    }
}
