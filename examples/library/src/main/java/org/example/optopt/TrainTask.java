package org.example.optopt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.tasks.suite.ResolverDataSource;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.tasks.training.EvalRecord;
import org.optopt.tasks.training.RunOptions;
import org.optopt.tasks.training.Trainer;

/**
 * optopt's training runner as a library: trains the synthetic {@code teacher-student-mlp} task with
 * Adam for 4000 steps, evaluating every 500 steps and checkpointing every 1000, writes a run
 * directory (config.json, steps.csv, evals.csv, checkpoint.bin, metrics.json, STATUS) and prints the
 * evaluations. The trainer builds the optimizer through the lambda over the task's parameters and
 * closes it when the run ends.
 *
 * <p>Run with {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/dependency/*
 * org.example.optopt.TrainTask [RUN_DIRECTORY]} (the directory must not exist yet; default
 * {@code runs/teacher-student-adam-<time>}).
 */
public final class TrainTask {
    private TrainTask() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "runs/teacher-student-adam-" + System.currentTimeMillis());
        Task task = TaskRegistry.standard().get("teacher-student-mlp");
        OptimizerProvider adam = Optimizers.discover().provider("adam");
        try (Backend backend = Backends.discover().createDefault(Map.of())) {
            RunOptions options = RunOptions.defaults().withSteps(4_000).withEvaluateEvery(500).withSeed(1)
                    .withCheckpointEvery(1_000).withDirectory(dir).withConfig(Map.of("optimizer", "adam(lr=0.001)"));
            Trainer.Result result = new Trainer(task, backend, ResolverDataSource.standard(null, false))
                    .run((b, parameters) -> adam.create(b, parameters, Map.of("lr", 0.001)), options);
            for (EvalRecord e : result.evaluations()) {
                System.out.printf("step %5d  test loss %.4g%n", e.step(), e.loss());
            }
            System.out.println("target " + task.target() + (result.reachedTarget()
                    ? " reached at step " + result.stepsToTarget() : " not reached") + "; run directory " + dir);
        }
    }
}
