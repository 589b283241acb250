package org.optopt.cli.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest;
import org.optopt.cli.study.StudyDirectory;
import org.optopt.cli.study.Trial;
import org.optopt.tasks.suite.TaskRegistry;

/** Scores of a hand-made study directory against values worked out by hand (in the comments). */
class ScoresTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void profileAreasOfAHandWorkedExample() {
        // Times per task (A, B): (100, 150), (200, 100), (inf, 300). Ratios A: 1, 2, inf; B: 1.5, 1, 1.
        Map<String, Map<String, Double>> times = new java.util.LinkedHashMap<>();
        times.put("t1", Map.of("A", 100.0, "B", 150.0));
        times.put("t2", Map.of("A", 200.0, "B", 100.0));
        times.put("t3", Map.of("A", INF, "B", 300.0));
        Map<String, double[]> r = Profiles.ratios(times, List.of("A", "B"));
        assertEquals(List.of(1.0, 2.0, INF), java.util.Arrays.stream(r.get("A")).boxed().toList());
        assertEquals(List.of(1.5, 1.0, 1.0), java.util.Arrays.stream(r.get("B")).boxed().toList());
        // Area A = (3/3 + 2/3 + 0)/3 = 5/9; B = (2.5/3 + 1 + 1)/3 = 17/18.
        assertEquals(5.0 / 9, Profiles.area(r.get("A")), 1e-15);
        assertEquals(17.0 / 18, Profiles.area(r.get("B")), 1e-15);
        assertEquals(1.0 / 3, Profiles.rho(r.get("A"), 1.9), 0);
        assertEquals(2.0 / 3, Profiles.rho(r.get("A"), 2), 0);
        assertEquals(2.0, Profiles.median(new double[] {3, 1, 2}));
        assertEquals(INF, Profiles.median(new double[] {1, INF}));
    }

    @Test
    void rulesetsPickTheBestTrialPerSeedAndTakeTheMedian(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("study.yaml"), """
                name: hand
                tasks: [rosenbrock, teacher-student-mlp]
                optimizers:
                  - spec: sgd
                    grid: {lr: [0.1, 0.2]}
                  - adam
                seeds: 3
                budget: {steps: 1000}
                self_tuning: true
                backend: reference
                output: %s
                """.formatted(out));
        // Steps to target per seed (0 = not reached); seconds are steps / 100.
        Map<String, double[]> given = Map.of(
                "rosenbrock sgd 0.1", new double[] {100, 300, 0},
                "rosenbrock sgd 0.2", new double[] {200, 100, 400},   // best per seed: 100, 100, 400 -> 100
                "rosenbrock adam -", new double[] {50, 80, 0},        // median of 50, 80, inf -> 80
                "teacher-student-mlp sgd 0.1", new double[] {0, 0, 0},
                "teacher-student-mlp sgd 0.2", new double[] {600, 0, 300},  // 600, inf, 300 -> 600
                "teacher-student-mlp adam -", new double[] {200, 400, 300}, // -> 300
                "rosenbrock sgd self", new double[] {90, 95, 100},   // -> 95
                "rosenbrock adam self", new double[] {0, 0, 10},     // -> inf
                "teacher-student-mlp sgd self", new double[] {0, 0, 0},
                "teacher-student-mlp adam self", new double[] {700, 800, 900});
        StudyDirectory d = new StudyDirectory(out);
        for (Trial t : d.load(TaskRegistry.standard()::get).trials()) {
            String key = t.task() + " " + t.optimizer().name() + " "
                    + (t.selfTuning() ? "self" : String.valueOf(t.optimizer().settings().getOrDefault("lr", "-")));
            double steps = given.get(key)[(int) t.seed()];
            Path run = d.trialDirectory(t);
            Files.createDirectories(run);
            Files.writeString(run.resolve("STATUS"), "complete\n");
            Files.writeString(run.resolve("metrics.json"), steps == 0
                    ? "{\"steps_to_target\": null, \"seconds_to_target\": null}"
                    : "{\"steps_to_target\": " + (long) steps + ", \"seconds_to_target\": " + steps / 100 + "}");
        }
        StudyScores s = StudyScores.of(d, d.load(TaskRegistry.standard()::get));
        StudyScores.Ruleset ext = s.rulesets().get("external");
        assertEquals(Map.of("sgd", 100.0, "adam", 80.0), ext.steps().get("rosenbrock"));
        assertEquals(Map.of("sgd", 600.0, "adam", 300.0), ext.steps().get("teacher-student-mlp"));
        assertEquals(Map.of("sgd", 6.0, "adam", 3.0), ext.seconds().get("teacher-student-mlp"));
        // Ratios sgd: 1.25, 2; adam: 1, 1. Area sgd = (2.75/3 + 2/3)/2 = 19/24.
        Map<String, double[]> ratios = Profiles.ratios(ext.steps(), s.optimizers());
        assertEquals(19.0 / 24, Profiles.area(ratios.get("sgd")), 1e-15);
        assertEquals(1.0, Profiles.area(ratios.get("adam")), 0);
        StudyScores.Ruleset self = s.rulesets().get("self");
        assertEquals(95.0, self.steps().get("rosenbrock").get("sgd"));
        assertEquals(INF, self.steps().get("rosenbrock").get("adam"));
        assertEquals(800.0, self.steps().get("teacher-student-mlp").get("adam"));
        // Self tuning: sgd ratios 1, inf; adam inf, 1: both 0.5.
        Map<String, double[]> selfRatios = Profiles.ratios(self.steps(), s.optimizers());
        assertEquals(0.5, Profiles.area(selfRatios.get("sgd")), 0);
        assertEquals(0.5, Profiles.area(selfRatios.get("adam")), 0);

        MainTest.Run text = MainTest.run("score", out.toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("profile area (tau in [1, 4]), steps: sgd 0.792, adam 1.000"), text.out());
        MainTest.Run json = MainTest.run("score", out.toString(), "--json");
        assertTrue(json.out().contains("\"area\" : {\n          \"sgd\" : 0.7916666666666666"), json.out());
    }
}
