package org.optopt.cli.studyreport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.optopt.cli.score.Profiles;
import org.optopt.cli.study.Study;
import org.optopt.cli.study.Trial;
import org.optopt.tasks.training.StepRecord;

/**
 * The report's table of one task's configurations: per study entry and sweep point, the seeds that
 * finished and failed, final test loss and accuracy (mean and sample standard deviation over the
 * complete seeds), the entry's published reference value, the values its changing or learned
 * hyperparameters had at the end (mean over seeds), the share of steps at each value of a
 * hyperparameter that changes among a few values (a GAP candidate, a greedy decision), the training
 * time per step and that time relative to the entry's {@code baseline}. Also written as CSV.
 */
final class ConfigurationTable {
    /** At most this many distinct values make a changing hyperparameter a choice whose shares are shown. */
    static final int MAX_CHOICES = 5;

    /** One configuration's row. */
    record Row(String entry, String configuration, int done, int failed, double[] loss, double[] accuracy,
            Map<String, Double> reference, Map<String, Double> end, Map<String, Map<Double, Double>> choices,
            double secondsPerStep, String baseline, double vsBaseline) {}

    private final List<Row> rows;
    private final boolean accuracy;

    private ConfigurationTable(List<Row> rows, boolean accuracy) {
        this.rows = rows;
        this.accuracy = accuracy;
    }

    /** The table of {@code results} (one task's finished trials, self-tuning runs excluded). */
    static ConfigurationTable of(Study study, List<TrialResult> results) {
        List<String> labels = study.labels();
        Map<String, List<TrialResult>> groups = new LinkedHashMap<>();
        for (TrialResult r : results) {
            groups.computeIfAbsent(r.trial().entry() + "\u0000" + configuration(r.trial()), k -> new ArrayList<>()).add(r);
        }
        List<Row> rows = new ArrayList<>();
        Map<String, Double> firstTimeOfEntry = new LinkedHashMap<>();
        for (List<TrialResult> g : groups.values()) {
            Trial t = g.get(0).trial();
            List<TrialResult> done = g.stream().filter(r -> !r.failed()).toList();
            double spp = Profiles.median(done.stream().mapToDouble(TrialResult::secondsPerStep).toArray());
            firstTimeOfEntry.putIfAbsent(labels.get(t.entry()), spp);
            rows.add(new Row(labels.get(t.entry()), configuration(t), done.size(), g.size() - done.size(),
                    done.stream().mapToDouble(TrialResult::finalLoss).toArray(),
                    done.stream().mapToDouble(TrialResult::finalAccuracy).filter(a -> !Double.isNaN(a)).toArray(),
                    study.optimizers().get(t.entry()).reference(), end(done), choices(done), spp,
                    study.optimizers().get(t.entry()).baseline(), Double.NaN));
        }
        List<Row> withBaselines = rows.stream().map(r -> r.baseline() == null ? r : new Row(r.entry(),
                r.configuration(), r.done(), r.failed(), r.loss(), r.accuracy(), r.reference(), r.end(),
                r.choices(), r.secondsPerStep(), r.baseline(), r.secondsPerStep()
                        / firstTimeOfEntry.getOrDefault(baselineLabel(study, r.baseline()), Double.NaN))).toList();
        return new ConfigurationTable(withBaselines, rows.stream().anyMatch(r -> r.accuracy().length > 0));
    }

    /** The rows. */
    List<Row> rows() {
        return rows;
    }

    /** The display name of the entry a {@code baseline} key names (a label, or an unlabelled entry's spec). */
    private static String baselineLabel(Study study, String baseline) {
        for (int e = 0; e < study.optimizers().size(); e++) {
            Study.Entry entry = study.optimizers().get(e);
            if (baseline.equals(entry.label()) || entry.label() == null && baseline.equals(entry.spec())) {
                return study.labels().get(e);
            }
        }
        return baseline;
    }

    /** The optimizer with its settings, and the learned settings' names. */
    static String configuration(Trial t) {
        return t.optimizer() + (t.learned() == null ? "" : " + learned " + String.join(", ", t.learned().hyperparameters()));
    }

    /**
     * The last row's value, averaged over the runs, of every hyperparameter that changed during
     * training in some run (a tower's learned values, a schedule, a choice), was learned from
     * other trials, or is a {@link #decisions decision}; names in log order.
     */
    private static Map<String, Double> end(List<TrialResult> done) {
        Set<String> names = new LinkedHashSet<>(decisions(done));
        for (TrialResult r : done) {
            List<StepRecord> s = r.steps();
            if (s.isEmpty()) {
                continue;
            }
            Map<String, Double> first = s.get(0).hyperparameters();
            s.get(s.size() - 1).hyperparameters().forEach((k, v) -> {
                if (!v.equals(first.get(k))) {
                    names.add(k);
                }
            });
            if (r.trial().learned() != null) {
                for (String n : r.trial().learned().hyperparameters()) {
                    names.add(first.containsKey(n) ? n : "L0." + n); // a plain optimizer's column, or a tower's level 0
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String n : names) {
            double[] v = done.stream().filter(r -> !r.steps().isEmpty())
                    .mapToDouble(r -> r.steps().get(r.steps().size() - 1).hyperparameters().getOrDefault(n, Double.NaN))
                    .toArray();
            out.put(n, java.util.Arrays.stream(v).average().orElse(Double.NaN));
        }
        return out;
    }

    /**
     * The columns the optimizer reports rather than takes as settings (not among any run's
     * {@link TrialResult#settings}) that take at most {@link #MAX_CHOICES} distinct values over all
     * steps of the runs: its decisions, such as GAP's chosen candidate and switch count. They are
     * shown even where constant (a GAP run that never left one candidate), which a setting's
     * column, constant too, is not; none where a run does not name its settings.
     */
    private static Set<String> decisions(List<TrialResult> done) {
        Map<String, Set<Double>> values = new LinkedHashMap<>();
        for (TrialResult r : done) {
            if (r.settings() == null) {
                return Set.of();
            }
            for (StepRecord step : r.steps()) {
                step.hyperparameters().forEach((k, v) -> values.computeIfAbsent(k, x -> new java.util.HashSet<>()).add(v));
            }
        }
        Set<String> out = new LinkedHashSet<>();
        values.forEach((name, distinct) -> {
            if (distinct.size() <= MAX_CHOICES && done.stream().noneMatch(r -> r.settings().contains(name))) {
                out.add(name);
            }
        });
        return out;
    }

    /**
     * Per hyperparameter that changes during some run, or is a {@link #decisions decision}, and
     * takes at most {@link #MAX_CHOICES} distinct values over all steps of the runs: the share of
     * those steps at each value (ascending).
     */
    private static Map<String, Map<Double, Double>> choices(List<TrialResult> done) {
        Map<String, Map<Double, Integer>> counts = new LinkedHashMap<>();
        Set<String> changing = new LinkedHashSet<>(decisions(done));
        for (TrialResult r : done) {
            for (StepRecord step : r.steps()) {
                step.hyperparameters().forEach((k, v) -> {
                    counts.computeIfAbsent(k, x -> new java.util.TreeMap<>()).merge(v, 1, Integer::sum);
                    if (!v.equals(r.steps().get(0).hyperparameters().get(k))) {
                        changing.add(k);
                    }
                });
            }
        }
        Map<String, Map<Double, Double>> out = new LinkedHashMap<>();
        counts.forEach((name, byValue) -> {
            if (changing.contains(name) && byValue.size() <= MAX_CHOICES) {
                double total = byValue.values().stream().mapToInt(Integer::intValue).sum();
                Map<Double, Double> shares = new LinkedHashMap<>();
                byValue.forEach((v, n) -> shares.put(v, n / total));
                out.put(name, shares);
            }
        });
        return out;
    }

    /** The table as HTML. */
    String html() {
        StringBuilder sb = new StringBuilder("<table>\n<tr><th>entry</th><th>configuration</th><th>seeds</th>"
                + "<th>final test loss</th>" + (accuracy ? "<th>final test accuracy %</th>" : "")
                + "<th>reference</th><th>hyperparameters at the end (mean)</th><th>choices (share of steps)</th>"
                + "<th>ms/step</th><th>vs baseline</th></tr>\n");
        for (Row r : rows) {
            sb.append("<tr><td>").append(StudyReport.escape(r.entry())).append("</td><td>")
                    .append(StudyReport.escape(r.configuration())).append("</td><td>").append(r.done())
                    .append(r.failed() > 0 ? " (" + r.failed() + " failed)" : "").append("</td><td>")
                    .append(TrialResult.meanStd(r.loss(), "%.4g")).append("</td>");
            if (accuracy) {
                sb.append("<td>").append(TrialResult.meanStd(scale(r.accuracy()), "%.2f")).append("</td>");
            }
            sb.append("<td>").append(StudyReport.escape(reference(r.reference()))).append("</td><td>")
                    .append(StudyReport.escape(end(r.end()))).append("</td><td>")
                    .append(StudyReport.escape(choices(r.choices()))).append("</td><td>")
                    .append(number("%.3f", 1000 * r.secondsPerStep())).append("</td><td>")
                    .append(r.baseline() == null ? "" : StudyReport.escape(number("%.3f", r.vsBaseline())
                            + " x " + r.baseline())).append("</td></tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /** The rows as CSV lines (with a header), for {@code task}. */
    static String csvHeader() {
        return "task,entry,configuration,seeds_done,seeds_failed,test_loss_mean,test_loss_std,test_accuracy_mean,"
                + "test_accuracy_std,reference_test_loss,reference_test_accuracy,end_hyperparameters,choices,"
                + "seconds_per_step,baseline,vs_baseline\n";
    }

    /** The rows as CSV lines of {@code task}. */
    String csv(String task) {
        StringBuilder sb = new StringBuilder();
        for (Row r : rows) {
            double[] loss = r.loss().length > 0 ? TrialResult.meanAndStd(r.loss()) : new double[] {Double.NaN, Double.NaN};
            double[] acc = r.accuracy().length > 0 ? TrialResult.meanAndStd(r.accuracy())
                    : new double[] {Double.NaN, Double.NaN};
            sb.append(String.join(",", quote(task), quote(r.entry()), quote(r.configuration()),
                    String.valueOf(r.done()), String.valueOf(r.failed()), cell(loss[0]), cell(loss[1]), cell(acc[0]),
                    cell(acc[1]), cell(r.reference().getOrDefault("test_loss", Double.NaN)),
                    cell(r.reference().getOrDefault("test_accuracy", Double.NaN)), quote(end(r.end())),
                    quote(choices(r.choices())),
                    cell(r.secondsPerStep()), quote(r.baseline() == null ? "" : r.baseline()), cell(r.vsBaseline())))
                    .append('\n');
        }
        return sb.toString();
    }

    private static double[] scale(double[] v) {
        return java.util.Arrays.stream(v).map(x -> 100 * x).toArray();
    }

    private static String reference(Map<String, Double> ref) {
        List<String> out = new ArrayList<>();
        ref.forEach((k, v) -> out.add(k.equals("test_accuracy") ? String.format(Locale.ROOT, "%.2f%%", 100 * v)
                : String.format(Locale.ROOT, "loss %.4g", v)));
        return String.join(", ", out);
    }

    private static String end(Map<String, Double> end) {
        List<String> out = new ArrayList<>();
        end.forEach((k, v) -> out.add(k + " " + String.format(Locale.ROOT, "%.4g", v)));
        return String.join(", ", out);
    }

    private static String choices(Map<String, Map<Double, Double>> choices) {
        List<String> out = new ArrayList<>();
        choices.forEach((name, shares) -> {
            List<String> parts = new ArrayList<>();
            shares.forEach((v, share) -> parts.add(String.format(Locale.ROOT, "%.4g %.1f%%", v, 100 * share)));
            out.add(name + ": " + String.join(" ", parts));
        });
        return String.join("; ", out);
    }

    private static String number(String format, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "-";
    }

    private static String cell(double v) {
        return Double.isFinite(v) ? String.valueOf(v) : "";
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
