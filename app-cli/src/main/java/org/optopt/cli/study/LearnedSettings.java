package org.optopt.cli.study;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.tasks.training.RunLogs;
import org.optopt.tasks.training.StepRecord;

/**
 * Resolves a trial's learned settings (see {@link Study.Learned}): each named hyperparameter's value
 * in the last {@code steps.csv} row of every complete source trial, averaged over those trials (in
 * double, in trial order). The last row holds the values after the last step, i.e. what the
 * optimizer has learned at the end of training. Failed source trials are left out (a tower that
 * diverged has learned nothing usable); with no complete source the trial cannot start.
 */
public final class LearnedSettings {
    private LearnedSettings() {}

    /** Whether every source of {@code trial} is finished (done or failed), so that it can be resolved. */
    public static boolean ready(StudyDirectory dir, Trial trial) throws IOException {
        if (trial.learned() == null) {
            return true;
        }
        for (Trial s : trial.learned().sources()) {
            StudyDirectory.State state = dir.recorded(s);
            if (state != StudyDirectory.State.DONE && state != StudyDirectory.State.FAILED) {
                return false;
            }
        }
        return true;
    }

    /**
     * The learned values of {@code trial}, by hyperparameter name.
     *
     * @throws StudyException if no source trial is complete or one lacks a named column
     */
    public static Map<String, Object> resolve(StudyDirectory dir, Trial trial) throws IOException {
        Trial.Learned learned = trial.learned();
        List<Map<String, Double>> ends = new ArrayList<>();
        for (Trial s : learned.sources()) {
            if (dir.recorded(s) != StudyDirectory.State.DONE) {
                continue;
            }
            List<StepRecord> steps = RunLogs.steps(dir.trialDirectory(s));
            if (!steps.isEmpty()) {
                ends.add(steps.get(steps.size() - 1).hyperparameters());
            }
        }
        if (ends.isEmpty()) {
            throw new StudyException("trial " + trial.index() + " (" + trial + "): none of its " + learned.sources().size()
                    + " source trial(s) is complete, so there are no learned values");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : learned.hyperparameters()) {
            double sum = 0;
            for (Map<String, Double> end : ends) {
                String column = learned.column(name, end.keySet());
                Double v = end.get(column);
                if (v == null) {
                    throw new StudyException("trial " + trial.index() + " (" + trial + "): its source trial logs no"
                            + " column '" + column + "'; it has " + end.keySet());
                }
                sum += v;
            }
            out.put(name, sum / ends.size());
        }
        return out;
    }
}
