package org.optopt.cli.study;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.optopt.cli.run.ProgressBar;

/**
 * A study's progress line while {@code optopt study run} works: trials finished (done or failed)
 * of all, with how many are done, running, failed and pending, and the time left, drawn by a
 * {@link ProgressBar}. The states are read from the trials' files ({@link StudyDirectory#recorded}),
 * so the line counts every worker's trials; a trial counts as running from its run directory's
 * creation to its end (an interrupted one, until it is resumed, too). The workers' locks are not
 * probed: a probe holds the lock for a moment, and a worker trying to claim the trial then would
 * skip it. The time left is extrapolated from the trials finished since the line was first shown.
 */
public final class StudyProgress {
    private final StudyDirectory directory;
    private final List<Trial> trials;
    private final ProgressBar bar;

    /** The progress of {@code trials} in {@code directory}, drawn by {@code bar}. */
    public StudyProgress(StudyDirectory directory, List<Trial> trials, ProgressBar bar) {
        this.directory = directory;
        this.trials = List.copyOf(trials);
        this.bar = bar;
    }

    /** Counts the trials' states and shows them. */
    public void update() throws IOException {
        Map<StudyDirectory.State, Integer> counts = new EnumMap<>(StudyDirectory.State.class);
        for (Trial t : trials) {
            counts.merge(directory.recorded(t), 1, Integer::sum);
        }
        int done = counts.getOrDefault(StudyDirectory.State.DONE, 0);
        int failed = counts.getOrDefault(StudyDirectory.State.FAILED, 0);
        int running = counts.getOrDefault(StudyDirectory.State.INTERRUPTED, 0);
        bar.show(done + failed, trials.size(), String.format(Locale.ROOT, "%d done, %d running, %d failed, %d pending",
                done, running, failed, trials.size() - done - failed - running));
    }
}
