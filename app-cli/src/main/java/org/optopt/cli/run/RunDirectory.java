package org.optopt.cli.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.optopt.cli.format.ErrorMessages;
import org.optopt.cli.report.Json;

/**
 * The files of one training run:
 * <ul>
 *   <li>{@code config.json} — task, optimizer, every hyperparameter's initial value, seed, batch size,
 *       budget, backend, optopt's version and git commit;</li>
 *   <li>{@code steps.csv} — step, seconds, loss and every effective hyperparameter, one row per step;</li>
 *   <li>{@code evals.csv} — step, seconds, test loss, test accuracy;</li>
 *   <li>{@code metrics.json} — the final results, written last and atomically;</li>
 *   <li>{@code STATUS} — {@code running}, then {@code complete} or {@code failed: reason}.</li>
 * </ul>
 * A run without {@code metrics.json} and with a {@code STATUS} other than {@code complete} is
 * incomplete; tools must not read it as a result.
 *
 * <p>The directory is created when the first step is recorded, after the task's data has been
 * loaded and the optimizer built: a run that fails before it starts (missing data, a failed
 * download, an unwritable runs directory) leaves no directory behind, only its error.
 */
public final class RunDirectory implements Trainer.Listener, AutoCloseable {
    private final Path dir;
    private final Map<String, ?> config;
    private BufferedWriter steps;
    private BufferedWriter evals;
    private List<String> hyperparameterNames;

    private RunDirectory(Path dir, Map<String, ?> config) {
        this.dir = dir;
        this.config = config;
    }

    /**
     * A run that will write to {@code dir} (which must not exist yet), with its config.
     *
     * @throws IllegalArgumentException if {@code dir} already exists
     */
    public static RunDirectory create(Path dir, Map<String, ?> config) {
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("Run directory " + dir + " already exists");
        }
        return new RunDirectory(dir, new LinkedHashMap<>(config));
    }

    /** Creates the directory, marks it running and writes its config (once). */
    private void open() {
        if (steps != null) {
            return;
        }
        try {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IOException("Cannot create the run directory " + dir + ": " + ErrorMessages.describe(e), e);
            }
            writeAtomically(dir.resolve("STATUS"), "running\n");
            writeAtomically(dir.resolve("config.json"), Json.object(config) + "\n");
            steps = Files.newBufferedWriter(dir.resolve("steps.csv"), StandardCharsets.UTF_8);
            evals = Files.newBufferedWriter(dir.resolve("evals.csv"), StandardCharsets.UTF_8);
            evals.write("step,seconds,test_loss,test_accuracy\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Whether the directory has been created (the run got to its first step). */
    public boolean started() {
        return steps != null;
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    @Override
    public void onStep(StepRecord r, long totalSteps) {
        open();
        try {
            if (hyperparameterNames == null) {
                hyperparameterNames = new ArrayList<>(r.hyperparameters().keySet());
                steps.write("step,seconds,loss" + (hyperparameterNames.isEmpty() ? "" : ",")
                        + String.join(",", hyperparameterNames) + "\n");
            }
            StringBuilder line = new StringBuilder().append(r.step()).append(',').append(num(r.seconds()))
                    .append(',').append(num(r.loss()));
            for (String h : hyperparameterNames) {
                Double v = r.hyperparameters().get(h);
                line.append(',').append(v == null ? "" : num(v));
            }
            steps.write(line.append('\n').toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve("steps.csv"), e);
        }
    }

    @Override
    public void onEvaluation(EvalRecord r) {
        open();
        try {
            evals.write(r.step() + "," + num(r.seconds()) + "," + num(r.loss()) + ","
                    + (Double.isNaN(r.accuracy()) ? "" : num(r.accuracy())) + "\n");
            evals.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve("evals.csv"), e);
        }
    }

    /** Writes the final metrics and marks the run complete. */
    public void complete(Map<String, ?> metrics) throws IOException {
        open();
        steps.flush();
        evals.flush();
        writeAtomically(dir.resolve("metrics.json"), Json.object(metrics) + "\n");
        writeAtomically(dir.resolve("STATUS"), "complete\n");
    }

    /** Marks a started run failed with the reason, joined to one line; a run not started stays absent. */
    public void fail(String reason) {
        if (!started()) {
            return;
        }
        try {
            steps.flush();
            evals.flush();
            writeAtomically(dir.resolve("STATUS"), "failed: " + ErrorMessages.oneLine(reason) + "\n");
        } catch (IOException e) {
            // The original failure is what the user needs to see; the status stays "running".
        }
    }

    @Override
    public void close() throws IOException {
        if (started()) {
            try (BufferedWriter s = steps; BufferedWriter e = evals) {
                // closes both
            }
        }
    }

    /** Writes a file through a temporary sibling and an atomic rename. */
    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
