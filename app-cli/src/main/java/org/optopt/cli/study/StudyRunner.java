package org.optopt.cli.study;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.optopt.cli.run.Experiment;
import org.optopt.cli.run.RunArguments;
import org.optopt.tasks.suite.Task;

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

    /** Runs every trial of {@code trials} that nobody holds and that is not finished. */
    public Tally run(List<Trial> trials) throws IOException {
        int ran = 0;
        int resumed = 0;
        int failed = 0;
        progress.update();
        for (Trial trial : trials) {
            try (StudyDirectory.Claim claim = directory.claim(trial)) {
                if (claim == null) {
                    continue;
                }
                StudyDirectory.State state = directory.recorded(trial);
                if (state == StudyDirectory.State.DONE || state == StudyDirectory.State.FAILED) {
                    continue;
                }
                err.println("trial " + trial.index() + ": " + trial
                        + (state == StudyDirectory.State.INTERRUPTED ? " (resuming)" : ""));
                try {
                    if (state == StudyDirectory.State.INTERRUPTED
                            && Files.exists(directory.trialDirectory(trial).resolve(RunArguments.FILE))) {
                        experiment.resume(directory.trialDirectory(trial), tasks);
                        resumed++;
                    } else {
                        deleteIncomplete(trial);
                        experiment.runIn(directory.trialDirectory(trial), tasks.apply(trial.task()),
                                new RunArguments(trial.task(), trial.optimizer().text(), trial.optimizer().settings(),
                                        trial.seed(), trial.batchSize(), trial.budget(), trial.evaluations(),
                                        study.checkpointEvery()));
                        ran++;
                    }
                } catch (RuntimeException e) {
                    failed++;
                    err.println("optopt: warning: trial " + trial.index() + " (" + trial + ") failed: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                }
            }
            progress.update(); // reached only for a trial this runner worked on: the others continue above
        }
        return new Tally(ran, resumed, failed);
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
