package org.optopt.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.TaskRegistry;

/** An entry's scope, labels, tied grid keys, learned settings and baselines: expansion and errors. */
class StudyEntryTest {
    private static Study study(String yaml) {
        return Study.from(Node.parse(yaml, false, "e.yaml"), "e.yaml");
    }

    private static String error(String yaml) {
        return assertThrows(StudyException.class, () -> study(yaml)).getMessage();
    }

    private static List<Trial> trials(Study s) {
        return Trials.expand(s, TaskRegistry.standard()::get, "reference");
    }

    @Test
    void anEntryScopeOverridesTheStudysTasksSeedsBudgetBatchAndEvaluations() {
        Study s = study("""
                name: e
                tasks: [rosenbrock, noisy-quadratic]
                optimizers:
                  - adam
                  - spec: sgd(0.01)
                    tasks: noisy-quadratic
                    seeds: [3, 4, 5]
                    budget: {steps: 7}
                    batch_size: 4
                    evaluations: 2
                seeds: 2
                budget: {steps: 10}
                """);
        List<Trial> t = trials(s);
        // rosenbrock: adam x 2 seeds; noisy-quadratic: adam x 2, sgd x 3
        assertEquals(7, t.size());
        List<Trial> sgd = t.stream().filter(x -> x.entry() == 1).toList();
        assertEquals(List.of(3L, 4L, 5L), sgd.stream().map(Trial::seed).toList());
        assertEquals(List.of("noisy-quadratic"), sgd.stream().map(Trial::task).distinct().toList());
        assertEquals(Budget.steps(7), sgd.get(0).budget());
        assertEquals(4, sgd.get(0).batchSize());
        assertEquals(2, sgd.get(0).evaluations());
        assertEquals(Budget.steps(10), t.get(0).budget());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), t.stream().map(Trial::index).toList());
    }

    @Test
    void aTiedGridKeyGivesEveryNamedSettingTheSameValueAndSeedsCanBeInterleaved() {
        Study s = study("""
                name: e
                tasks: rosenbrock
                optimizers:
                  - spec: sgd/sgd
                    grid: {"lr, level1.lr": [0.1, 0.01]}
                  - adam
                seeds: 2
                interleave_seeds: true
                """);
        List<Trial> t = trials(s);
        assertEquals(Map.of("lr", 0.1, "level1.lr", 0.1), t.get(0).optimizer().settings());
        assertEquals(Map.of("lr", 0.01, "level1.lr", 0.01), t.get(1).optimizer().settings());
        // seed 0 of every configuration first, then seed 1, each in task, entry, sweep-point order
        assertEquals(List.of(0L, 0L, 0L, 1L, 1L, 1L), t.stream().map(Trial::seed).toList());
        assertEquals(List.of(0, 0, 1, 0, 0, 1), t.stream().map(Trial::entry).toList());
    }

    @Test
    void learnedSettingsNameTheirSourcesByMeanOrSeedAndEnterTheHash() {
        Study s = study("""
                name: e
                tasks: rosenbrock
                optimizers:
                  - spec: sgd(0.001)/sgd(1e-6)
                    label: tower
                  - spec: sgd
                    learned: {from: tower, hyperparameters: lr}
                  - spec: sgd
                    label: own
                    learned: {from: tower, hyperparameters: [lr], combine: seed}
                seeds: 3
                """);
        List<Trial> t = trials(s);
        List<String> towerHashes = t.subList(0, 3).stream().map(Trial::hash).toList();
        Trial mean = t.get(3);
        assertEquals(towerHashes, mean.learned().sources().stream().map(Trial::hash).toList());
        assertEquals(List.of("lr"), mean.learned().hyperparameters());
        Trial own = t.get(7);
        assertEquals(1L, own.seed());
        assertEquals(List.of(towerHashes.get(1)), own.learned().sources().stream().map(Trial::hash).toList());
        assertEquals("L0.lr", own.learned().column("lr", java.util.Set.of("L0.lr", "L1.lr")));
        assertEquals("lr", own.learned().column("lr", java.util.Set.of("lr", "momentum")));
        // the same optimizer without learned settings, and with other sources, is another trial
        Trial plain = new Trial(0, 1, mean.task(), mean.optimizer(), mean.seed(), mean.budget(), mean.batchSize(),
                mean.evaluations(), mean.backend(), 1, false, null);
        assertEquals(3, java.util.stream.Stream.of(mean.hash(), plain.hash(), t.get(6).hash()).distinct().count());
        assertEquals(List.of("tower", "sgd", "own"), s.labels());
        assertNull(s.optimizers().get(1).label());
    }

    @Test
    void badScopesLabelsSourcesAndBaselinesAreOneLineErrorsWithTheirKeyPath() {
        String head = "name: e\ntasks: rosenbrock\noptimizers:\n";
        assertEquals("e.yaml:5: optimizers[0].tasks: 'mnist-mlp' is not one of the study's tasks [rosenbrock]",
                error(head + "  - spec: adam\n    tasks: mnist-mlp\n"));
        assertEquals("e.yaml:5: optimizers[1]: label 'adam' names an earlier entry too; labels must be distinct from"
                + " each other and from other entries' specs", error(head + "  - adam\n  - spec: sgd\n    label: adam\n"));
        assertEquals("e.yaml:6: optimizers[1].learned.from: no earlier entry is labelled 'later'",
                error(head + "  - adam\n  - spec: sgd\n    learned: {from: later, hyperparameters: lr}\n"
                        + "  - spec: sgd\n    label: later\n"));
        assertEquals("e.yaml:7: optimizers[1].learned.from: entry 'sw' sweeps its settings; learned values come"
                + " from an entry without a sweep", error(head + "  - {spec: sgd, label: sw, grid: {lr: [1, 2]}}\n"
                        + "  - spec: sgd\n    learned:\n      from: sw\n      hyperparameters: lr\n"));
        assertEquals("e.yaml:6: optimizers[1].learned.combine: expected mean or seed, got 'median'",
                error(head + "  - adam\n  - spec: sgd\n    learned: {from: adam, hyperparameters: lr, combine: median}\n"));
        assertEquals("e.yaml:5: optimizers[0].baseline: no entry is labelled 'sgd'",
                error(head + "  - spec: adam\n    baseline: sgd\n"));
        assertEquals("e.yaml:5: optimizers[0].reference.test_acc: unknown metric; expected one of [test_accuracy,"
                + " test_loss]", error(head + "  - spec: adam\n    reference: {test_acc: 0.9}\n"));
        assertEquals("e.yaml:5: optimizers[0].seeds: seeds must be distinct, got [1, 1]",
                error(head + "  - spec: adam\n    seeds: [1, 1]\n"));
        assertEquals("e.yaml:7: optimizers[2].learned.from: several entries are named 'adam'; give them labels",
                error(head + "  - adam\n  - adam\n  - spec: sgd\n    learned: {from: adam, hyperparameters: lr}\n"));
    }
}
