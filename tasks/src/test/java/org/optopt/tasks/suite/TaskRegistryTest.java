package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {
    private final TaskRegistry registry = TaskRegistry.standard();

    @Test
    void listsTheSuite() {
        assertEquals(List.of("quadratic-deep", "noisy-quadratic", "ridge-toy", "rosenbrock", "logreg-synthetic",
                "logreg-a9a", "logreg-w8a", "logreg-mnist", "mnist-mlp", "fmnist-2c2d", "char-rnn-shakespeare", "teacher-student-mlp"),
                registry.names());
        Task mlp = registry.get("mnist-mlp");
        assertEquals(128, mlp.defaultBatchSize());
        assertEquals(Budget.epochs(12), mlp.defaultBudget());
        assertEquals("mnist", mlp.dataRequirements().get(0).dataSet());
        assertTrue(mlp.target().reachedBy(new Evaluation(0.3, 0.971)));
        assertFalse(mlp.target().reachedBy(new Evaluation(0.3, 0.969)));
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.get("mnist"));
        assertTrue(e.getMessage().startsWith("Unknown task 'mnist'; known tasks: quadratic-deep, noisy-quadratic"),
                e.getMessage());
    }

    @Test
    void availabilityFollowsTheDataSource() {
        FakeDataSource onlyMnist = new FakeDataSource(Map.of("mnist", new Examples[0]), Map.of());
        for (TaskRegistry.Listing l : registry.list(onlyMnist)) {
            boolean synthetic = l.task().dataRequirements().isEmpty();
            boolean mnist = !synthetic && l.task().dataRequirements().get(0).dataSet().equals("mnist");
            assertEquals(synthetic || mnist, l.dataAvailable(), l.task().name());
        }
        assertTrue(registry.list(null).stream().filter(TaskRegistry.Listing::dataAvailable)
                .allMatch(l -> l.task().dataRequirements().isEmpty()));
    }

    @Test
    void budgetsConvertToSteps() {
        assertEquals(600, Budget.epochs(3).totalSteps(200));
        assertEquals(50, Budget.steps(50).totalSteps(200));
        assertThrows(IllegalArgumentException.class, () -> Budget.steps(0));
    }
}
