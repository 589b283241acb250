package org.optopt.cli.run;

import java.nio.file.Path;
import java.util.List;
import org.optopt.tasks.suite.Budget;
import org.optopt.tasks.suite.DataSource;
import org.optopt.tasks.suite.ResolverDataSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The options that {@code run} and {@code compare} share: task, budget, data and output places. */
public final class TrainingOptions {
    @Option(names = "--task", paramLabel = "TASK", description = "Task to train (see 'optopt tasks').")
    String task;

    @ArgGroup(exclusive = true)
    Length length;

    /** Steps or epochs, not both. */
    static final class Length {
        @Option(names = "--steps", paramLabel = "N", description = "Training steps (default: the task's budget).")
        Long steps;

        @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: the task's budget).")
        Long epochs;
    }

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "0",
            description = "Examples per step (default: the task's).")
    int batchSize;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "A hyperparameter or option of the optimizer, e.g. lr=0.01, or a list, e.g. momenta=0.5,0.9 (repeatable).")
    List<String> settings = List.of();

    @Option(names = "--evaluations", defaultValue = "20", paramLabel = "K",
            description = "Test-split evaluations spread over the run (default: ${DEFAULT-VALUE}).")
    int evaluations;

    @Option(names = "--runs-dir", defaultValue = "runs", paramLabel = "DIR",
            description = "Where run directories are written (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: $OPTOPT_DATA, else ~/.optopt/data).")
    Path dataDir;

    @Option(names = "--no-download", description = "Never download missing data sets.")
    boolean noDownload;

    /** The requested budget, or null for the task's default. */
    Budget budget() {
        if (length == null) {
            return null;
        }
        if (length.steps != null) {
            requirePositive(length.steps, "--steps");
            return Budget.steps(length.steps);
        }
        requirePositive(length.epochs, "--epochs");
        return Budget.epochs(length.epochs);
    }

    private static void requirePositive(long n, String option) {
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + n);
        }
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
        Path dir = org.optopt.tasks.data.DataResolver.dataDirectory(dataDir, System.getenv(),
                System.getProperty("user.home"));
        String shared = System.getProperty("optopt.shared");
        return ResolverDataSource.of(dir, shared == null ? null : Path.of(shared), !noDownload);
    }
}
