package org.optopt.cli.studyreport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.optopt.cli.report.Figure;
import org.optopt.cli.report.Panel;
import org.optopt.cli.report.Series;
import org.optopt.cli.score.Profiles;
import org.optopt.cli.score.StudyScores;
import org.optopt.cli.study.Study;
import org.optopt.cli.study.StudyDirectory;
import org.optopt.cli.study.Trial;
import org.optopt.tasks.training.EvalRecord;
import org.optopt.tasks.training.RunDirectory;
import org.optopt.tasks.training.RunLogs;
import org.optopt.tasks.training.StepRecord;

/**
 * A study's report: one static HTML page with its figures beside it (each as SVG and PNG).
 * <ul>
 *   <li>the score tables and performance profiles (steps to target) of each ruleset;</li>
 *   <li>per task, the {@link ConfigurationTable}: every configuration's seeds (done, failed), final
 *       test loss and accuracy (mean and sample standard deviation over seeds), reference value,
 *       hyperparameters at the end, time per step and its ratio to a baseline entry (also written
 *       as {@code results.csv});</li>
 *   <li>per task, the training loss and the test metric of each optimizer's best configuration
 *       (the sweep point with the lowest median final test loss) with min-max bands over seeds;</li>
 *   <li>per task, every effective hyperparameter of those configurations that changes during
 *       training (tower levels, learned or scheduled values) over steps;</li>
 *   <li>per task and swept hyperparameter, its {@link Sensitivity}: a table and a figure of the
 *       final test metric against the hyperparameter's value.</li>
 * </ul>
 * Only complete trials contribute curves; failed ones are counted in the tables.
 */
public final class StudyReport {
    private final StudyDirectory dir;
    private final StudyDirectory.Saved saved;
    private final StudyScores scores;

    /** The report of the study saved in {@code dir}. */
    public StudyReport(StudyDirectory dir, StudyDirectory.Saved saved) throws IOException {
        this.dir = dir;
        this.saved = saved;
        this.scores = StudyScores.of(dir, saved);
    }

    /** The names of the hyperparameters in {@code run}'s {@code config.json}, or null where it has none. */
    private static Set<String> settings(Path run) throws IOException {
        Path config = run.resolve("config.json");
        if (!Files.exists(config)) {
            return null;
        }
        JsonNode h = new ObjectMapper().readTree(config.toFile()).get("hyperparameters");
        if (h == null || !h.isObject()) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        h.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Writes {@code index.html} and its figures into {@code out}; returns the page. */
    public Path write(Path out) throws IOException {
        Files.createDirectories(out);
        Study study = saved.study();
        List<TrialResult> finished = new ArrayList<>();
        for (Trial t : saved.trials()) {
            Path run = dir.trialDirectory(t);
            StudyDirectory.State state = dir.recorded(t);
            if (state == StudyDirectory.State.DONE) {
                List<EvalRecord> evals = RunLogs.evaluations(run);
                if (!evals.isEmpty()) {
                    finished.add(new TrialResult(t, false, RunLogs.steps(run), evals, settings(run)));
                }
            } else if (state == StudyDirectory.State.FAILED) {
                finished.add(new TrialResult(t, true, List.of(), List.of(), null));
            }
        }
        List<TrialResult> done = finished.stream().filter(r -> !r.failed()).toList();
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape("Study " + study.name())).append("</title>\n<style>body{font-family:sans-serif;"
                        + "max-width:1100px;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
                        + "padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
                        + "img{max-width:100%}</style>\n</head>\n<body>\n")
                .append("<h1>").append(escape("Study " + study.name())).append("</h1>\n<p>")
                .append(done.size()).append(" of ").append(saved.trials().size()).append(" trials complete; tasks ")
                .append(escape(String.join(", ", study.tasks()))).append("; seeds ").append(study.seeds())
                .append(".</p>\n");
        int figure = 0;
        for (var ruleset : scores.rulesets().entrySet()) {
            String title = ruleset.getKey().equals("external") ? "External tuning" : "Self tuning";
            html.append("<h2>").append(title).append("</h2>\n");
            html.append(table(ruleset.getValue()));
            Map<String, double[]> ratios = Profiles.ratios(ruleset.getValue().steps(), scores.optimizers());
            List<Series> curves = new ArrayList<>();
            ratios.forEach((o, r) -> {
                List<double[]> c = Profiles.curve(r, 61);
                double[] x = c.stream().mapToDouble(p -> p[0]).toArray();
                double[] y = c.stream().mapToDouble(p -> p[1]).toArray();
                curves.add(new Series(o + String.format(Locale.ROOT, " (area %.3f)", Profiles.area(r)), x, y, y, y));
            });
            html.append(figure(out, "profile-" + ruleset.getKey(), List.of(new Panel(
                    title + ": performance profile (steps to target)", "tau", "fraction of tasks", false, curves))));
            figure++;
        }
        StringBuilder csv = new StringBuilder(ConfigurationTable.csvHeader());
        for (String task : study.tasks()) {
            List<TrialResult> ofTask = finished.stream()
                    .filter(d -> d.trial().task().equals(task) && !d.trial().selfTuning()).toList();
            List<TrialResult> doneOfTask = ofTask.stream().filter(r -> !r.failed()).toList();
            if (ofTask.isEmpty()) {
                continue;
            }
            ConfigurationTable table = ConfigurationTable.of(study, ofTask);
            csv.append(table.csv(task));
            html.append("<h2>").append(escape(task)).append("</h2>\n").append(table.html());
            if (doneOfTask.isEmpty()) {
                continue;
            }
            Map<String, List<TrialResult>> best = best(doneOfTask);
            html.append(figure(out, "curves-" + task, curves(task, best)));
            List<Panel> hyper = hyperparameters(task, best);
            if (!hyper.isEmpty()) {
                html.append(figure(out, "hyperparameters-" + task, hyper));
            }
            for (String key : Sensitivity.keys(study)) {
                Sensitivity s = Sensitivity.of(study, key, ofTask);
                if (s != null) {
                    html.append("<h3>").append(escape(task + ": sensitivity to " + key)).append("</h3>\n").append(s.html())
                            .append(figure(out, key + "-sensitivity-" + task,
                                    List.of(s.panel(task))));
                }
            }
        }
        html.append("<p><a href=\"results.csv\">results.csv</a>: the configuration tables as CSV.</p>\n");
        html.append("</body>\n</html>\n");
        RunDirectory.writeAtomically(out.resolve("results.csv"), csv.toString());
        Path page = out.resolve("index.html");
        RunDirectory.writeAtomically(page, html.toString());
        return page;
    }

    /** Per optimizer label, the seeds of the configuration with the lowest median final test loss. */
    private Map<String, List<TrialResult>> best(List<TrialResult> trials) {
        Map<String, Map<String, List<TrialResult>>> byConfig = new LinkedHashMap<>();
        for (TrialResult d : trials) {
            String label = scores.optimizers().get(d.trial().entry());
            byConfig.computeIfAbsent(label, k -> new LinkedHashMap<>())
                    .computeIfAbsent(d.trial().optimizer().toString(), k -> new ArrayList<>()).add(d);
        }
        Map<String, List<TrialResult>> out = new LinkedHashMap<>();
        byConfig.forEach((label, configs) -> {
            List<TrialResult> bestRuns = null;
            double bestLoss = Double.POSITIVE_INFINITY;
            for (List<TrialResult> runs : configs.values()) {
                double loss = Profiles.median(runs.stream().mapToDouble(TrialResult::finalLoss)
                        .map(v -> Double.isNaN(v) ? Double.POSITIVE_INFINITY : v).toArray());
                if (bestRuns == null || loss < bestLoss) {
                    bestRuns = runs;
                    bestLoss = loss;
                }
            }
            out.put(configs.size() > 1 ? bestRuns.get(0).trial().optimizer().toString() : label, bestRuns);
        });
        return out;
    }

    private static List<Panel> curves(String task, Map<String, List<TrialResult>> best) {
        boolean accuracy = best.values().stream().flatMap(List::stream)
                .anyMatch(d -> !Double.isNaN(d.evals().get(0).accuracy()));
        List<Series> train = new ArrayList<>();
        List<Series> test = new ArrayList<>();
        best.forEach((label, runs) -> {
            train.add(band(label, runs.stream().map(d -> smooth(d.steps())).toList()));
            test.add(band(label, runs.stream().map(d -> points(d.evals(), EvalRecord::step,
                    accuracy ? EvalRecord::accuracy : EvalRecord::loss)).toList()));
        });
        return List.of(new Panel(task + ": training loss", "step", "loss (moving average)", true, train),
                new Panel(task + ": test " + (accuracy ? "accuracy" : "loss"), "step",
                        accuracy ? "accuracy" : "loss", !accuracy, test));
    }

    /** Hyperparameters that change during training, one panel for all. */
    private static List<Panel> hyperparameters(String task, Map<String, List<TrialResult>> best) {
        List<Series> series = new ArrayList<>();
        best.forEach((label, runs) -> {
            for (String name : runs.get(0).steps().get(0).hyperparameters().keySet()) {
                List<double[][]> curves = runs.stream().map(d -> points(d.steps(), StepRecord::step,
                        s -> s.hyperparameters().getOrDefault(name, Double.NaN))).toList();
                double[] y = curves.get(0)[1];
                boolean varies = Arrays.stream(y).anyMatch(v -> v != y[0]);
                if (varies) {
                    series.add(band(label + " " + name, curves));
                }
            }
        });
        return series.isEmpty() ? List.of() : List.of(new Panel(task + ": effective hyperparameters",
                "step", "value", true, series));
    }

    private static double[][] smooth(List<StepRecord> steps) {
        double[][] p = points(steps, StepRecord::step, StepRecord::loss);
        int window = Math.max(1, steps.size() / 50);
        double[] y = p[1];
        double[] out = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i] - (i >= window ? y[i - window] : 0);
            out[i] = sum / Math.min(i + 1, window);
        }
        return new double[][] {p[0], out};
    }

    private static <T> double[][] points(List<T> records, ToDoubleFunction<T> x, ToDoubleFunction<T> y) {
        return new double[][] {records.stream().mapToDouble(x).toArray(), records.stream().mapToDouble(y).toArray()};
    }

    /** Mean with a min-max band over curves at common x (the shortest curve's length). */
    private static Series band(String label, List<double[][]> curves) {
        int n = curves.stream().mapToInt(c -> c[0].length).min().orElse(0);
        double[] mean = new double[n];
        double[] low = new double[n];
        double[] high = new double[n];
        for (int i = 0; i < n; i++) {
            low[i] = Double.POSITIVE_INFINITY;
            high[i] = Double.NEGATIVE_INFINITY;
            for (double[][] c : curves) {
                mean[i] += c[1][i] / curves.size();
                low[i] = Math.min(low[i], c[1][i]);
                high[i] = Math.max(high[i], c[1][i]);
            }
        }
        return new Series(label, Arrays.copyOf(curves.get(0)[0], n), mean, low, high);
    }

    private static String figure(Path out, String name, List<Panel> panels) throws IOException {
        String file = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        Figure.write(panels, out.resolve(file + ".png"), out.resolve(file + ".svg"));
        return "<p><img src=\"" + file + ".svg\" alt=\"" + escape(panels.get(0).title()) + "\"> <a href=\"" + file
                + ".png\">PNG</a></p>\n";
    }

    private String table(StudyScores.Ruleset r) {
        StringBuilder sb = new StringBuilder("<table>\n<tr><th>task</th>");
        scores.optimizers().forEach(o -> sb.append("<th>").append(escape(o)).append("</th>"));
        sb.append("</tr>\n");
        for (String task : scores.tasks()) {
            sb.append("<tr><td>").append(escape(task)).append("</td>");
            for (String o : scores.optimizers()) {
                double st = r.steps().get(task).get(o);
                double se = r.seconds().get(task).get(o);
                sb.append("<td>").append(Double.isFinite(st) ? String.format(Locale.ROOT, "%.0f steps (%.2f s)", st, se)
                        : "not reached").append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("<tr><td>profile area</td>");
        Profiles.ratios(r.steps(), scores.optimizers()).forEach((o, ratios) -> sb.append("<td>")
                .append(String.format(Locale.ROOT, "%.3f", Profiles.area(ratios))).append("</td>"));
        return sb.append("</tr>\n</table>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
