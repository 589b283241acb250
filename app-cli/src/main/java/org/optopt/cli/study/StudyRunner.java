package org.optopt.cli.study;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.optopt.cli.run.Experiment;
import org.optopt.cli.run.RunArguments;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.training.RunDirectory;

/**
 * Works through a study's trials in one process: claims each trial nobody holds, skips it if it is
 * done or failed, resumes it if it was interrupted, and otherwise runs it in its own run directory.
 * A failing trial is reported and marked failed, and the runner goes on. The study's progress line
 * is shown before the first trial and after each trial this runner works on (between trials, as a
 * plain line: during a trial its own progress bar has the terminal's line).
 */
public final class StudyRunner {
    private final Study study;
    private final StudyDirectory directory;
    private final Experiment experiment;
    private final Function<String, Task> tasks;
    private final PrintWriter err;
    private final StudyProgress progress;

    /** A runner of {@code study}'s trials in {@code directory}, showing their progress on {@code progress}. */
    public StudyRunner(Study study, StudyDirectory directory, Experiment experiment, Function<String, Task> tasks,
            PrintWriter err, StudyProgress progress) {
        this.study = study;
        this.directory = directory;
        this.experiment = experiment;
        this.tasks = tasks;
        this.err = err;
        this.progress = progress;
    }

    /** How many trials this worker ran, resumed and saw fail. */
    public record Tally(int ran, int resumed, int failed) {}

    /**
     * Runs every trial of {@code trials} that nobody holds and that is not finished. A trial with
     * learned settings waits until its source trials are finished: it is put off while other
     * workers run them, and fails (without a run directory) where its sources are neither finished
     * nor being run, e.g. when {@code --trial-index} picks it alone.
     */
    public Tally run(List<Trial> trials) throws IOException {
        int[] counts = new int[3];
        progress.update();
        List<Trial> pending = trials;
        while (!pending.isEmpty()) {
            List<Trial> waiting = new ArrayList<>();
            for (Trial trial : pending) {
                if (!LearnedSettings.ready(directory, trial)) {
                    waiting.add(trial);
                } else if (runOne(trial, counts)) {
                    progress.update(); // only after a trial this runner worked on
                }
            }
            if (waiting.size() == pending.size()) {
                if (!sourcesRunElsewhere(waiting)) {
                    for (Trial t : waiting) {
                        counts[2]++;
                        err.println("optopt: warning: trial " + t.index() + " (" + t + ") cannot start: its source"
                                + " trials are not finished; run them first");
                    }
                    break;
                }
                sleep();
            }
            pending = waiting;
        }
        return new Tally(counts[0], counts[1], counts[2]);
    }

    /** Whether another worker holds a source of one of {@code waiting} now. */
    private boolean sourcesRunElsewhere(List<Trial> waiting) throws IOException {
        for (Trial t : waiting) {
            for (Trial s : t.learned().sources()) {
                if (directory.state(s) == StudyDirectory.State.RUNNING) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for source trials", e);
        }
    }

    /** Runs or resumes {@code trial} if it is free and unfinished; counts ran, resumed, failed; whether it worked on it. */
    private boolean runOne(Trial trial, int[] counts) throws IOException {
        try (StudyDirectory.Claim claim = directory.claim(trial)) {
            if (claim == null) {
                return false;
            }
            StudyDirectory.State state = directory.recorded(trial);
            if (state == StudyDirectory.State.DONE || state == StudyDirectory.State.FAILED) {
                return false;
            }
            err.println("trial " + trial.index() + ": " + trial
                    + (state == StudyDirectory.State.INTERRUPTED ? " (resuming)" : ""));
            try {
                if (state == StudyDirectory.State.INTERRUPTED
                        && Files.exists(directory.trialDirectory(trial).resolve(RunArguments.FILE))) {
                    experiment.resume(directory.trialDirectory(trial), tasks);
                    counts[1]++;
                } else {
                    deleteIncomplete(trial);
                    Map<String, Object> settings = new LinkedHashMap<>(trial.optimizer().settings());
                    if (trial.learned() != null) {
                        settings.putAll(learnedOrFail(trial));
                    }
                    experiment.runIn(directory.trialDirectory(trial), tasks.apply(trial.task()),
                            new RunArguments(trial.task(), trial.optimizer().text(), settings, trial.seed(),
                                    trial.batchSize(), trial.budget(), trial.evaluations(), study.checkpointEvery(),
                                    trial.threads()));
                    counts[0]++;
                }
            } catch (RuntimeException e) {
                counts[2]++;
                err.println("optopt: warning: trial " + trial.index() + " (" + trial + ") failed: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            }
            return true;
        }
    }

    /** The trial's learned settings; where they cannot be resolved, the trial is recorded as failed. */
    private Map<String, Object> learnedOrFail(Trial trial) throws IOException {
        try {
            return LearnedSettings.resolve(directory, trial);
        } catch (StudyException e) {
            Path dir = directory.trialDirectory(trial);
            Files.createDirectories(dir);
            RunDirectory.writeAtomically(dir.resolve("STATUS"), "failed: " + e.getMessage() + "\n");
            throw e;
        }
    }

    /** Removes a run directory killed before it wrote its arguments (nothing in it to resume). */
    private void deleteIncomplete(Trial trial) throws IOException {
        Path dir = directory.trialDirectory(trial);
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
