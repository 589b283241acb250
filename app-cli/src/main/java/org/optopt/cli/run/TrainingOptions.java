package org.optopt.cli.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.format.ErrorMessages;
import org.optopt.optimizers.spec.OptimizerSpec;
import org.optopt.optimizers.spec.OptimizerSpecs;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.ResolverDataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that {@code run} and {@code compare} share: task, budget, data and output places.
 * {@link #validate} checks every value before anything is loaded or written; a bad value is a
 * usage error (exit code 2).
 */
public final class TrainingOptions {
    @Option(names = "--task", paramLabel = "TASK", description = "Task to train (see 'optopt tasks').")
    String task;

    // Plain options, not an exclusive group: picocli's group reports a repeated option in its own
    // notation, and the exclusivity is one line of validate().
    @Option(names = "--steps", paramLabel = "N", description = "Training steps (default: the task's budget).")
    Long steps;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: the task's budget).")
    Long epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Examples per step (default: the task's).")
    Integer batchSize;

    @Option(names = "--set", paramLabel = "[levelK.]KEY=VALUE",
            description = "A hyperparameter or option of the optimizer, applied before anything is built, e.g. lr=0.01,"
                    + " a list momenta=0.5,0.9, a schedule schedule.lr=cosine(1000), a tower level level1.lr=1e-5 or"
                    + " its optimizer level1.name=adam (repeatable).")
    List<String> settings = List.of();

    @Option(names = "--evaluations", defaultValue = "20", paramLabel = "K",
            description = "Test-split evaluations spread over the run (default: ${DEFAULT-VALUE}).")
    int evaluations;

    @Option(names = "--runs-dir", defaultValue = "runs", paramLabel = "DIR",
            description = "Where run directories are written (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory, which must exist (default: $OPTOPT_DATA, else ~/.optopt/data).")
    Path dataDir;

    @Option(names = "--no-download", description = "Never download missing data sets.")
    boolean noDownload;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Threads for each step's loss and gradient: the mini-batch is split into N shards computed"
                    + " in parallel (network tasks; float sums in another order than on one thread; default:"
                    + " ${DEFAULT-VALUE}). A resumed run keeps its own.")
    int threads;

    /**
     * The optimizer {@code text} resolved against {@code registry} with the {@code --set} settings applied.
     *
     * @throws IllegalArgumentException naming the spec or setting, and the column, of the first problem
     */
    OptimizerSpec optimizer(Optimizers registry, String text) {
        OptimizerSpecs specs = new OptimizerSpecs(registry);
        return specs.set(specs.parse(text), settings);
    }

    /**
     * Checks the values that picocli's types do not: positive counts, one of steps and epochs, an
     * existing data directory.
     *
     * @throws ParameterException naming the option and the value
     */
    void validate(CommandSpec spec) {
        usage(spec, () -> {
            if (steps != null && epochs != null) {
                throw new IllegalArgumentException("--steps and --epochs exclude each other; give one");
            }
            requirePositive(steps, "--steps");
            requirePositive(epochs, "--epochs");
            requirePositive(batchSize == null ? null : batchSize.longValue(), "--batch-size");
            requirePositive((long) evaluations, "--evaluations");
            requirePositive((long) threads, "--threads");
            requireDirectory(dataDir);
            return null;
        });
    }

    /** The requested budget, or null for the task's default. */
    Budget budget() {
        return steps != null ? Budget.steps(steps) : epochs != null ? Budget.epochs(epochs) : null;
    }

    /** The requested batch size, or 0 for the task's default. */
    int batchSize() {
        return batchSize == null ? 0 : batchSize;
    }

    /** Finds data in the data directory, the shared folder ({@code optopt.shared}) or by download. */
    DataSource dataSource() {
        return dataSource(dataDir, noDownload);
    }

    /**
     * Finds data in {@code dataDir} (null: {@code $OPTOPT_DATA}, else {@code ~/.optopt/data}), the
     * shared folder ({@code optopt.shared}) or, unless {@code noDownload}, by download.
     */
    public static DataSource dataSource(Path dataDir, boolean noDownload) {
        return ResolverDataSource.standard(dataDir, !noDownload);
    }

    /**
     * Runs {@code check} and turns its {@link IllegalArgumentException} (an unknown task,
     * optimizer or hyperparameter, a value outside its domain) into a usage error of {@code spec}.
     */
    static <T> T usage(CommandSpec spec, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), ErrorMessages.describe(e), e);
        }
    }

    /**
     * Checks that an explicitly given data directory exists (a typo must not fall back silently to
     * the other places).
     *
     * @throws IllegalArgumentException if {@code dir} is given and is not a directory
     */
    static void requireDirectory(Path dir) {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data-dir " + dir + (Files.exists(dir) ? " is not a directory"
                    : " does not exist"));
        }
    }

    private static void requirePositive(Long n, String option) {
        if (n != null && n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + n);
        }
    }
}
