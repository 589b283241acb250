package org.optopt.cli.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.optopt.cli.report.Json;

/**
 * The files of one training run:
 * <ul>
 *   <li>{@code config.json} — task, optimizer, seed, budget, backend;</li>
 *   <li>{@code steps.csv} — step, seconds, loss and every effective hyperparameter, one row per step;</li>
 *   <li>{@code evals.csv} — step, seconds, test loss, test accuracy;</li>
 *   <li>{@code metrics.json} — the final results, written last and atomically;</li>
 *   <li>{@code STATUS} — {@code running}, then {@code complete} or {@code failed: reason}.</li>
 * </ul>
 * A run without {@code metrics.json} and with a {@code STATUS} other than {@code complete} is
 * incomplete; tools must not read it as a result.
 */
public final class RunDirectory implements Trainer.Listener, AutoCloseable {
    private final Path dir;
    private final BufferedWriter steps;
    private final BufferedWriter evals;
    private List<String> hyperparameterNames;

    private RunDirectory(Path dir) throws IOException {
        this.dir = dir;
        this.steps = Files.newBufferedWriter(dir.resolve("steps.csv"), StandardCharsets.UTF_8);
        this.evals = Files.newBufferedWriter(dir.resolve("evals.csv"), StandardCharsets.UTF_8);
        evals.write("step,seconds,test_loss,test_accuracy\n");
    }

    /**
     * Creates {@code dir} (which must not exist yet), marks it running and writes its config.
     *
     * @throws IllegalArgumentException if {@code dir} already exists
     */
    public static RunDirectory create(Path dir, Map<String, ?> config) throws IOException {
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("Run directory " + dir + " already exists");
        }
        Files.createDirectories(dir);
        writeAtomically(dir.resolve("STATUS"), "running\n");
        writeAtomically(dir.resolve("config.json"), Json.object(config) + "\n");
        return new RunDirectory(dir);
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    @Override
    public void onStep(StepRecord r, long totalSteps) {
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
        steps.flush();
        evals.flush();
        writeAtomically(dir.resolve("metrics.json"), Json.object(metrics) + "\n");
        writeAtomically(dir.resolve("STATUS"), "complete\n");
    }

    /** Marks the run failed with a one-line reason. */
    public void fail(String reason) {
        try {
            steps.flush();
            evals.flush();
            writeAtomically(dir.resolve("STATUS"), "failed: " + reason.lines().findFirst().orElse("") + "\n");
        } catch (IOException e) {
            // The original failure is what the user needs to see; the status stays "running".
        }
    }

    @Override
    public void close() throws IOException {
        try (steps; evals) {
            // closes both
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
