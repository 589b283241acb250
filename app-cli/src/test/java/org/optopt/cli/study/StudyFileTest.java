package org.optopt.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.TaskRegistry;

/** Study files: YAML and JSON, overrides, and errors that name file, line and key path. */
class StudyFileTest {
    static final String YAML = """
            name: demo
            tasks: [rosenbrock, noisy-quadratic]
            optimizers:
              - adam
              - spec: sgd
                set: {momentum: 0.9}
                grid:
                  lr: {log: [0.001, 0.1, 3]}
              - spec: adam/sgd(1e-5)
                grid:
                  lr: oops
            seeds: 2
            budget: {steps: 50}
            """;

    private static Path write(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aGridErrorNamesFileLineAndKeyPath(@TempDir Path dir) throws IOException {
        Path f = write(dir, "s.yaml", YAML);
        StudyException e = assertThrows(StudyException.class, () -> StudyFile.load(f, List.of()));
        assertEquals("s.yaml:11: optimizers[2].grid.lr: expected a list of values, {log: [from, to, count]}"
                + " or {linear: [from, to, count]}", e.getMessage());
    }

    @Test
    void overridesReplaceValuesAndListElements(@TempDir Path dir) throws IOException {
        Path f = write(dir, "s.yaml", YAML);
        Study s = StudyFile.load(f, List.of("study.optimizers[2].grid.lr=[0.01, 0.02]", "study.seeds=5",
                "study.budget.steps=7"));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), s.seeds());
        assertEquals(Budget.steps(7), s.budget());
        assertEquals(List.of(0.01, 0.02), s.optimizers().get(2).grid().get("lr").values());
        assertEquals(Map.of("momentum", 0.9), s.optimizers().get(1).settings());
        assertEquals(List.of(0.001, 0.01, 0.1).toString(), s.optimizers().get(1).grid().get("lr").values().stream()
                .map(v -> (double) Math.round((Double) v * 1e12) / 1e12).toList().toString());
        StudyException bad = assertThrows(StudyException.class,
                () -> StudyFile.load(f, List.of("study.optimizers[2].grid.lr=[0.01, 0.02]", "study.seeds=zero")));
        assertEquals("--set study.seeds: expected a number of seeds or a list of integer seeds", bad.getMessage());
        assertThrows(StudyException.class, () -> StudyFile.load(f, List.of("study.optimizers[9].spec=sgd")));
    }

    @Test
    void jsonIsAcceptedAndTheResolvedStudyRoundTrips(@TempDir Path dir) throws IOException {
        Path f = write(dir, "s.json", """
                {"name": "j", "tasks": "rosenbrock",
                 "optimizers": [{"spec": "sgd", "sample": {"method": "halton", "count": 4,
                   "space": {"lr": {"log-uniform": [1e-4, 1e-1]}}}}],
                 "seeds": [3, 7], "self_tuning": true}
                """);
        Study s = StudyFile.load(f, List.of("study.evaluations=4"));
        assertEquals(List.of(3L, 7L), s.seeds());
        assertEquals(1.5, s.selfTuningFactor());
        assertEquals(Path.of("studies/j"), s.output());
        Path saved = dir.resolve("resolved.yaml");
        StudyFile.write(s, saved);
        Study again = StudyFile.load(saved, List.of());
        assertEquals(s.tree().plain(), again.tree().plain());
        assertEquals(4, again.evaluations());
    }

    @Test
    void unknownKeysAndSyntaxErrorsAreOneLine(@TempDir Path dir) throws IOException {
        Path f = write(dir, "u.yaml", "name: u\ntasks: rosenbrock\noptimizers: [adam]\nsedes: 3\n");
        StudyException e = assertThrows(StudyException.class, () -> StudyFile.load(f, List.of()));
        assertEquals("u.yaml:4: sedes: unknown key; expected one of [backend, batch_size, budget, checkpoint_every,"
                + " evaluations, interleave_seeds, name, optimizers, output, seeds, self_tuning, tasks, threads]", e.getMessage());
        Path g = write(dir, "g.yaml", "name: g\ntasks: [a\n");
        StudyException syntax = assertThrows(StudyException.class, () -> StudyFile.load(g, List.of()));
        assertEquals(1, syntax.getMessage().lines().count());
        assertEquals(true, syntax.getMessage().startsWith("g.yaml:"), syntax.getMessage());
        Path h = write(dir, "h.yaml", "name: h\ntasks: rosenbrock\noptimizers: ['adam(']\n");
        assertEquals(true, assertThrows(StudyException.class, () -> StudyFile.load(h, List.of())).getMessage()
                .startsWith("h.yaml:3: optimizers[0]: "));
    }

    @Test
    void narrowingTheTasksDropsEntriesLeftWithoutTasks(@TempDir Path dir) throws IOException {
        Path f = write(dir, "n.yaml", """
                name: n
                tasks: [rosenbrock, noisy-quadratic, ridge-toy]
                optimizers:
                  - adam
                  - spec: sgd
                    label: only noisy
                    tasks: noisy-quadratic
                  - spec: sgd(momentum=0.9)
                    tasks: [rosenbrock, noisy-quadratic]
                    baseline: only noisy
                  - spec: sgd(0.01)
                    tasks: noisy-quadratic
                    learned: {from: only noisy, hyperparameters: [lr]}
                seeds: 2
                """);
        Study s = StudyFile.load(f, List.of("study.tasks=[rosenbrock, ridge-toy]"));
        assertEquals(List.of("adam", "sgd(momentum=0.9)"), s.labels());
        assertEquals(List.of("rosenbrock"), s.optimizers().get(1).scope().tasks());
        assertEquals(null, s.optimizers().get(1).baseline());
        // adam on both tasks, sgd(momentum=0.9) on rosenbrock; 2 seeds each
        assertEquals(6, Trials.expand(s, TaskRegistry.standard()::get, "nd4j").size());
        // the saved study is the narrowed one, valid on its own
        Path saved = dir.resolve("study.yaml");
        StudyFile.write(s, saved);
        assertEquals(s.labels(), StudyFile.load(saved, List.of()).labels());
        // a task the file never had is still an error, override or not
        Path typo = write(dir, "t.yaml", "name: t\ntasks: [rosenbrock, ridge-toy]\noptimizers:\n"
                + "  - {spec: adam, tasks: [rosenbrok]}\n");
        StudyException e = assertThrows(StudyException.class,
                () -> StudyFile.load(typo, List.of("study.tasks=[rosenbrock]")));
        assertEquals("t.yaml:4: optimizers[0].tasks: 'rosenbrok' is not one of the study's tasks [rosenbrock]",
                e.getMessage());
    }
}
