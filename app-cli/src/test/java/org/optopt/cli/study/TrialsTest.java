package org.optopt.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.TaskRegistry;

/** Sweep expansion against hand-computed grids and the published first points of Sobol and Halton. */
class TrialsTest {
    private static Study study(String yaml) {
        return Study.from(Node.parse(yaml, false, "t.yaml"), "t.yaml");
    }

    @Test
    void aLogGridIsGeometricWithExactEnds() {
        List<Object> v = new Axis.Grid(1e-4, 1e-1, 4, true).values();
        assertEquals(1e-4, (Double) v.get(0));
        assertEquals(1e-3, (Double) v.get(1), 1e-18);
        assertEquals(1e-2, (Double) v.get(2), 1e-17);
        assertEquals(1e-1, (Double) v.get(3));
        assertEquals(List.of(0.0, 0.5, 1.0), new Axis.Grid(0, 1, 3, false).values());
    }

    @Test
    void sobolAndHaltonPointsAreTheTextbookOnes() {
        Study.Sample sobol = new Study.Sample(Study.Method.SOBOL, 3, Map.of("a", new Axis.Range(0, 1, false),
                "b", new Axis.Range(0, 1, false)));
        // Sobol in two dimensions after the origin: (1/2, 1/2), (3/4, 1/4), (1/4, 3/4).
        List<Map<String, Object>> s = Trials.samples(new Study.Sample(Study.Method.SOBOL, 3,
                new java.util.LinkedHashMap<>(Map.of("a", new Axis.Range(0, 1, false)))));
        assertEquals(List.of(0.5, 0.75, 0.25), s.stream().map(p -> p.get("a")).toList());
        assertEquals(3, Trials.samples(sobol).size());
        var space = new java.util.LinkedHashMap<String, Axis.Range>();
        space.put("x", new Axis.Range(0, 1, false));
        space.put("y", new Axis.Range(1e-4, 1e-2, true));
        // Halton in bases 2 and 3 after the origin: (1/2, 1/3), (1/4, 2/3), (3/4, 1/9); y on a log scale.
        List<Map<String, Object>> h = Trials.samples(new Study.Sample(Study.Method.HALTON, 3, space));
        assertEquals(List.of(0.5, 0.25, 0.75), h.stream().map(p -> p.get("x")).toList());
        double[] u = {1.0 / 3, 2.0 / 3, 1.0 / 9};
        for (int i = 0; i < 3; i++) {
            assertEquals(1e-4 * Math.pow(100, u[i]), (Double) h.get(i).get("y"), 1e-15);
        }
    }

    @Test
    void trialsCoverGridTimesSeedsAndTheirHashesAreStable() {
        Study s = study("""
                name: t
                tasks: rosenbrock
                optimizers:
                  - spec: sgd
                    set: {momentum: 0.9}
                    grid: {lr: [0.1, 0.01], nesterov: [true, false]}
                  - adam
                seeds: [0, 5]
                budget: {steps: 10}
                self_tuning: {budget_factor: 2}
                """);
        List<Trial> trials = Trials.expand(s, TaskRegistry.standard()::get, "reference");
        assertEquals(2 * 2 * 2 + 2 + 2 * 2, trials.size());
        Trial first = trials.get(0);
        assertEquals("sgd", first.optimizer().name());
        assertEquals(Map.of("momentum", 0.9, "lr", 0.1, "nesterov", true), first.optimizer().settings());
        assertEquals(List.of(0L, 5L), trials.subList(0, 2).stream().map(Trial::seed).toList());
        assertEquals(Budget.steps(20), trials.get(trials.size() - 1).budget());
        assertEquals(true, trials.get(trials.size() - 1).selfTuning());
        assertEquals(Map.of("momentum", 0.9), trials.get(trials.size() - 4).optimizer().settings());
        assertEquals(trials.stream().map(Trial::hash).distinct().count(), trials.size());
        List<Trial> again = Trials.expand(s, TaskRegistry.standard()::get, "reference");
        assertEquals(trials.stream().map(Trial::directoryName).toList(),
                again.stream().map(Trial::directoryName).toList());
        assertNotEquals(first.hash(), Trials.expand(s, TaskRegistry.standard()::get, "nd4j").get(0).hash());
    }

    /**
     * {@code threads: N} makes every trial data parallel and, as the trajectory depends on it, part of
     * its hash; on one thread (the default) the configuration has no such key, so the trials of
     * studies written before it keep their hashes and directories.
     */
    @Test
    void threadsArePartOfATrialsConfigurationOnlyAboveOne() {
        String yaml = """
                name: t
                tasks: teacher-student-mlp
                optimizers: [adam]
                budget: {steps: 4}
                """;
        Trial one = Trials.expand(study(yaml), TaskRegistry.standard()::get, "reference").get(0);
        Trial two = Trials.expand(study(yaml + "threads: 2\n"), TaskRegistry.standard()::get, "reference").get(0);
        assertEquals(1, one.threads());
        assertFalse(one.config().containsKey("threads"));
        assertEquals(one.hash(), Trials.expand(study(yaml + "threads: 1\n"), TaskRegistry.standard()::get, "reference")
                .get(0).hash());
        assertEquals(2, two.threads());
        assertEquals(2, two.config().get("threads"));
        assertNotEquals(one.hash(), two.hash());
        StudyException e = assertThrows(StudyException.class, () -> study(yaml + "threads: 0\n"));
        assertTrue(e.getMessage().contains("threads: expected a positive integer, got '0'"), e.getMessage());
    }

    @Test
    void aSingleOptimizersWrittenArgumentsKeyItsTrialAsSettingsAlwaysHave() {
        StudyOptimizer written = StudyOptimizer.of(" sgd(0.1, nesterov, momentum=0.9) ");
        assertEquals("sgd", written.name());
        assertEquals("sgd(lr=0.1, nesterov=true, momentum=0.9)", written.toString());
        Budget b = Budget.steps(10);
        Trial t = new Trial(0, 0, "rosenbrock", written, 0, b, 8, 2, "reference", 1, false, null);
        assertEquals(Map.of("lr", "0.1", "momentum", "0.9", "nesterov", "true"), t.config().get("settings"));
        Trial same = new Trial(0, 0, "rosenbrock", new StudyOptimizer("sgd(0.1, nesterov, momentum=0.9)",
                Map.of("lr", 0.1, "nesterov", true, "momentum", 0.9)), 0, b, 8, 2, "reference", 1, false, null);
        assertEquals(t.hash(), same.hash());
        assertEquals("rosenbrock-sgd-s0-" + t.hash(), t.directoryName());
        StudyOptimizer tower = StudyOptimizer.of("adam/sgd(1e-5)").with(Map.of("level1.lr", 2e-5));
        assertEquals("adam/sgd(1e-5) [level1.lr=2e-5]", tower.toString());
        assertEquals("adam/sgd(1e-5)", tower.name());
    }
}
