package org.optopt.tasks.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of one training run:
 * <ul>
 *   <li>{@code config.json} — task, optimizer, every hyperparameter's initial value, seed, batch size,
 *       budget, backend, optopt's version and git commit;</li>
 *   <li>{@code steps.csv} — step, seconds, loss and every effective hyperparameter, one row per step;</li>
 *   <li>{@code steps.jsonl} — the same values, one JSON object per step ({@code {"step": 1, "seconds": ...,
 *       "loss": ..., "lr": ...}}) at full double precision (the CSV rounds to 9 significant digits); a
 *       non-finite value or a hyperparameter without a value that step is {@code null};</li>
 *   <li>{@code evals.csv} — step, seconds, test loss, test accuracy;</li>
 *   <li>{@code decisions.csv} — only for an optimizer that reports decisions (the optimizer event
 *       log: trace entries {@code decision.<name>.<field>} at the steps where it decides, e.g.
 *       {@code greedy}'s re-designs): step, seconds, decision name and its fields, one row per
 *       decision; those entries stay out of {@code steps.csv};</li>
 *   <li>the caller's files ({@link RunOptions#files()}), e.g. the {@code optopt} command's
 *       {@code run.json} and {@code probes.json}, the arguments and probes to continue the run with
 *       ({@code optopt run --resume});</li>
 *   <li>{@code checkpoint.bin} — the latest {@link Checkpoint};</li>
 *   <li>{@code metrics.json} — the final results, written last and atomically;</li>
 *   <li>{@code STATUS} — {@code running}, then {@code complete} or {@code failed: reason}.</li>
 * </ul>
 * A run without {@code metrics.json} and with a {@code STATUS} other than {@code complete} is
 * incomplete; tools must not read it as a result. The logs are written in whole rows (see
 * {@link RowLog}): after a crash they end in a complete row, at most two seconds behind. The two
 * step logs are flushed together; a checkpoint records the CSV's length, and a resumed run cuts
 * {@code steps.jsonl} to as many lines as the cut CSV has rows.
 */
public final class RunDirectory implements Trainer.Listener, AutoCloseable {
    /** The status file's name. */
    public static final String STATUS = "STATUS";
    private static final String EVALS_HEADER = "step,seconds,test_loss,test_accuracy";
    /** The prefix of the trace entries that are decisions, written to {@code decisions.csv}. */
    public static final String DECISION = "decision.";

    private final Path dir;
    private final RowLog steps;
    private final RowLog stepsJson;
    private final RowLog evals;
    private List<String> hyperparameterNames;
    private RowLog decisions;
    private List<String> decisionFields;

    /** The highest directory that {@link #create} made (dir itself or a new runs directory), else null. */
    private Path created;

    private RunDirectory(Path dir, RowLog steps, RowLog stepsJson, RowLog evals, List<String> hyperparameterNames) {
        this.dir = dir;
        this.steps = steps;
        this.stepsJson = stepsJson;
        this.evals = evals;
        this.hyperparameterNames = hyperparameterNames;
        if (evals.length() == 0) {
            evals.append(EVALS_HEADER);
        }
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
        Path created = dir.toAbsolutePath();
        while (created.getParent() != null && !Files.exists(created.getParent())) {
            created = created.getParent();
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("Cannot create the run directory " + dir + ": " + ErrorText.describe(e), e);
        }
        writeAtomically(dir.resolve(STATUS), "running\n");
        writeAtomically(dir.resolve("config.json"), Json.object(config) + "\n");
        RunDirectory run = new RunDirectory(dir, RowLog.create(dir.resolve("steps.csv")),
                RowLog.create(dir.resolve("steps.jsonl")), RowLog.create(dir.resolve("evals.csv")), null);
        run.created = created;
        return run;
    }

    /**
     * Reopens an incomplete run to continue it, its logs cut back to the lengths a checkpoint
     * recorded (0 and 0 to start again), and marks it running.
     */
    public static RunDirectory resume(Path dir, long stepsLength, long evalsLength) throws IOException {
        List<String> names = null;
        long rows = 0;
        if (stepsLength > 0) {
            String header;
            try (var reader = Files.newBufferedReader(dir.resolve("steps.csv"), StandardCharsets.UTF_8)) {
                header = reader.readLine();
            }
            List<String> columns = List.of(header.split(",", -1));
            names = columns.size() > 3 ? new ArrayList<>(columns.subList(3, columns.size())) : new ArrayList<>();
            rows = linesIn(dir.resolve("steps.csv"), stepsLength) - 1;
        }
        writeAtomically(dir.resolve(STATUS), "running\n");
        Path json = dir.resolve("steps.jsonl");
        RunDirectory run = new RunDirectory(dir, RowLog.resume(dir.resolve("steps.csv"), stepsLength),
                RowLog.resume(json, Files.exists(json) ? lengthOfLines(json, rows) : 0),
                RowLog.resume(dir.resolve("evals.csv"), evalsLength), names);
        run.resumeDecisions(stepsLength);
        return run;
    }

    /** Keeps the decisions up to the last step {@code steps.csv} keeps ({@code stepsLength} bytes). */
    private void resumeDecisions(long stepsLength) throws IOException {
        Path file = dir.resolve("decisions.csv");
        if (!Files.exists(file)) {
            return;
        }
        List<String> kept = Files.readAllLines(file, StandardCharsets.UTF_8);
        long lastStep = 0;
        if (stepsLength > 0) {
            List<String> rows = RunLogs.lines(dir.resolve("steps.csv"));
            lastStep = rows.size() > 1 ? Long.parseLong(rows.get(rows.size() - 1).split(",", 2)[0]) : 0;
        }
        long last = lastStep;
        List<String> rows = kept.isEmpty() ? kept : new ArrayList<>(kept.subList(0, 1));
        kept.stream().skip(1).filter(r -> Long.parseLong(r.split(",", 2)[0]) <= last).forEach(rows::add);
        if (rows.size() <= 1) {
            Files.delete(file);
            return;
        }
        decisions = RowLog.create(file);
        rows.forEach(decisions::append);
        List<String> header = List.of(rows.get(0).split(",", -1));
        decisionFields = header.subList(3, header.size());
    }

    /** The number of line ends in the first {@code length} bytes of {@code file}. */
    private static long linesIn(Path file, long length) throws IOException {
        long lines = 0;
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            for (long i = 0; i < length; i++) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                lines += b == '\n' ? 1 : 0;
            }
        }
        return lines;
    }

    /**
     * The byte length of the first {@code lines} lines of {@code file}.
     *
     * @throws IllegalStateException if it has fewer (the logs are flushed together before every checkpoint)
     */
    private static long lengthOfLines(Path file, long lines) throws IOException {
        long length = 0;
        long seen = 0;
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            while (seen < lines) {
                int b = in.read();
                if (b < 0) {
                    throw new IllegalStateException(file + " has " + seen + " steps but steps.csv has " + lines);
                }
                length++;
                seen += b == '\n' ? 1 : 0;
            }
        }
        return length;
    }

    /** Writes every pending row; returns the lengths of {@code steps.csv} and {@code evals.csv}. */
    public long[] flushLogs() {
        if (decisions != null) {
            decisions.flush();
        }
        stepsJson.flush();
        return new long[] {steps.flush(), evals.flush()};
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    @Override
    public void onStep(StepRecord r, long totalSteps) {
        Map<String, Map<String, Double>> decided = new java.util.LinkedHashMap<>();
        r.hyperparameters().forEach((key, value) -> {
            if (key.startsWith(DECISION) && key.lastIndexOf('.') > DECISION.length()) {
                int dot = key.lastIndexOf('.');
                decided.computeIfAbsent(key.substring(DECISION.length(), dot), k -> new java.util.LinkedHashMap<>())
                        .put(key.substring(dot + 1), value);
            }
        });
        decided.forEach((name, fields) -> logDecision(r, name, fields));
        if (hyperparameterNames == null) {
            hyperparameterNames = new ArrayList<>(r.hyperparameters().keySet());
            hyperparameterNames.removeIf(h -> h.startsWith(DECISION));
            steps.append("step,seconds,loss" + (hyperparameterNames.isEmpty() ? "" : ",")
                    + String.join(",", hyperparameterNames));
        }
        StringBuilder line = new StringBuilder().append(r.step()).append(',').append(num(r.seconds()))
                .append(',').append(num(r.loss()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", r.step());
        json.put("seconds", r.seconds());
        json.put("loss", r.loss());
        for (String h : hyperparameterNames) {
            Double v = r.hyperparameters().get(h);
            line.append(',').append(v == null ? "" : num(v));
            json.put(h, v);
        }
        stepsJson.append(Json.object(json));
        steps.append(line.toString());
    }

    private void logDecision(StepRecord r, String name, Map<String, Double> fields) {
        if (decisions == null) {
            try {
                decisions = RowLog.create(dir.resolve("decisions.csv"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            decisionFields = new ArrayList<>(fields.keySet());
            decisions.append("step,seconds,decision," + String.join(",", decisionFields));
        }
        StringBuilder line = new StringBuilder().append(r.step()).append(',').append(num(r.seconds())).append(',')
                .append(name);
        for (String f : decisionFields) {
            Double v = fields.get(f);
            line.append(',').append(v == null ? "" : num(v));
        }
        decisions.append(line.toString());
    }

    @Override
    public void onEvaluation(EvalRecord r) {
        evals.append(r.step() + "," + num(r.seconds()) + "," + num(r.loss()) + ","
                + (Double.isNaN(r.accuracy()) ? "" : num(r.accuracy())));
        evals.flush();
    }

    /** Writes the final metrics and marks the run complete. */
    public void complete(Map<String, ?> metrics) throws IOException {
        flushLogs();
        writeAtomically(dir.resolve("metrics.json"), Json.object(metrics) + "\n");
        writeAtomically(dir.resolve(STATUS), "complete\n");
    }

    /** Whether this directory was created (not resumed) by this object. */
    public boolean created() {
        return created != null;
    }

    /** Whether a step has been recorded since the directory was created or resumed. */
    public boolean started() {
        return hyperparameterNames != null;
    }

    /**
     * Removes a created run that failed before its first step: its files, its directory, and the
     * directories {@link #create} made for it (a new runs or comparison directory) where they are
     * left empty. A run that fails before it starts (missing data, a failed download) leaves
     * nothing behind.
     */
    public void discard() throws IOException {
        if (created == null) {
            throw new IllegalStateException("Only a created run can be discarded, not a resumed one: " + dir);
        }
        close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        for (Path d = dir.toAbsolutePath(); d != null && d.startsWith(created); d = d.getParent()) {
            try {
                Files.delete(d);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                return; // other runs live there
            }
        }
    }

    /** Marks the run failed with the reason, joined to one line. */
    public void fail(String reason) {
        try {
            flushLogs();
            writeAtomically(dir.resolve(STATUS), "failed: " + ErrorText.oneLine(reason) + "\n");
        } catch (IOException e) {
            // The original failure is what the user needs to see; the status stays "running".
        }
    }

    @Override
    public void close() throws IOException {
        try (stepsJson; steps; evals) {
            if (decisions != null) {
                decisions.close();
            }
        }
    }

    /** Writes a file through a temporary sibling and an atomic rename. */
    public static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
