package org.optopt.cli.studyreport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.optopt.cli.score.Profiles;
import org.optopt.cli.study.Trial;
import org.optopt.tasks.training.EvalRecord;
import org.optopt.tasks.training.StepRecord;

/**
 * A finished trial as the report sees it: complete with its logs, or failed (no logs).
 *
 * @param trial the trial
 * @param failed whether it failed (then {@code steps} and {@code evals} are empty)
 * @param steps its {@code steps.csv}
 * @param evals its {@code evals.csv}
 * @param settings the names of the optimizer's settings (the {@code hyperparameters} of its
 *     {@code config.json}); the other {@code steps.csv} columns are what the optimizer reports
 *     (a GAP choice, a switch count, a probe's statistic); null where the run does not say
 */
record TrialResult(Trial trial, boolean failed, List<StepRecord> steps, List<EvalRecord> evals, Set<String> settings) {
    /** The share of the first steps left out of the time per step (JIT compilation, caches warming up). */
    static final double WARM_UP = 0.1;

    /** The last evaluation's test loss. */
    double finalLoss() {
        return evals.get(evals.size() - 1).loss();
    }

    /** The last evaluation's test accuracy (NaN for a task without one). */
    double finalAccuracy() {
        return evals.get(evals.size() - 1).accuracy();
    }

    /**
     * Training seconds per step: the median of the differences of consecutive {@code seconds}
     * values (training time only, evaluations excluded) after the first {@link #WARM_UP} of the
     * steps; NaN with fewer than two steps left.
     */
    double secondsPerStep() {
        int from = (int) Math.floor(WARM_UP * steps.size());
        List<Double> diffs = new ArrayList<>();
        for (int i = Math.max(1, from + 1); i < steps.size(); i++) {
            diffs.add(steps.get(i).seconds() - steps.get(i - 1).seconds());
        }
        return Profiles.median(diffs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Mean and sample standard deviation, e.g. {@code 91.57 ± 0.20} (HTML entity for ±); "-" for none. */
    static String meanStd(double[] v, String format) {
        if (v.length == 0) {
            return "-";
        }
        double[] ms = meanAndStd(v);
        return String.format(Locale.ROOT, format + " &plusmn; " + format, ms[0], ms[1]);
    }

    /** {mean, sample standard deviation} (std 0 for one value). */
    static double[] meanAndStd(double[] v) {
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
        return new double[] {mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0};
    }
}
