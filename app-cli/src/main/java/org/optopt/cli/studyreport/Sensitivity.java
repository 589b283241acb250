package org.optopt.cli.studyreport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.optopt.cli.report.Panel;
import org.optopt.cli.report.Series;
import org.optopt.cli.study.Study;

/**
 * Sensitivity of one task's results to one swept hyperparameter: for every entry that sweeps it
 * (in a grid key, as the first name of tied keys such as {@code "lr, level1.lr"} too, or as a
 * sampled range), the final
 * test metric (accuracy where the task has one, else loss) at each value, over seeds and the
 * entry's other swept settings: a table of mean and sample standard deviation with the count of
 * failed trials, and a figure of the mean with a min-max band against the value (log10 of it where
 * every value is positive). Failed trials are counted, not plotted.
 *
 * @param key the swept hyperparameter (the first name of a tied grid key)
 * @param accuracy whether the metric is test accuracy
 * @param cells per entry label, per value: the metric of each complete trial and the count of failed ones
 */
record Sensitivity(String key, boolean accuracy, Map<String, TreeMap<Double, Cell>> cells) {
    /** One entry's trials at one value. */
    record Cell(List<Double> values, int failed) {}

    /** Every hyperparameter an entry sweeps, in file order. */
    static Set<String> keys(Study study) {
        Set<String> out = new LinkedHashSet<>();
        study.optimizers().forEach(e -> out.addAll(swept(e)));
        return out;
    }

    /** The hyperparameters {@code e} sweeps: its grid keys' first names and its sampled names. */
    private static Set<String> swept(Study.Entry e) {
        Set<String> out = new LinkedHashSet<>();
        e.grid().keySet().forEach(k -> out.add(Study.Entry.names(k).get(0)));
        if (e.sample() != null) {
            out.addAll(e.sample().space().keySet());
        }
        return out;
    }

    /** The sensitivity to {@code key} over {@code results} (one task), or null where fewer than two values were tried. */
    static Sensitivity of(Study study, String key, List<TrialResult> results) {
        boolean accuracy = results.stream().anyMatch(r -> !r.failed() && !Double.isNaN(r.finalAccuracy()));
        Map<String, TreeMap<Double, Cell>> cells = new LinkedHashMap<>();
        for (TrialResult r : results) {
            Study.Entry entry = study.optimizers().get(r.trial().entry());
            if (!swept(entry).contains(key) || !(r.trial().optimizer().settings().get(key) instanceof Double x)) {
                continue;
            }
            TreeMap<Double, Cell> byValue = cells.computeIfAbsent(study.labels().get(r.trial().entry()), k -> new TreeMap<>());
            Cell c = byValue.getOrDefault(x, new Cell(List.of(), 0));
            List<Double> values = new ArrayList<>(c.values());
            if (!r.failed()) {
                values.add(accuracy ? r.finalAccuracy() : r.finalLoss());
            }
            byValue.put(x, new Cell(values, c.failed() + (r.failed() ? 1 : 0)));
        }
        cells.values().removeIf(m -> m.size() < 2);
        return cells.isEmpty() ? null : new Sensitivity(key, accuracy, cells);
    }

    private boolean logX() {
        return cells.values().stream().allMatch(m -> m.firstKey() > 0);
    }

    /** The figure's panel. */
    Panel panel(String task) {
        List<Series> series = new ArrayList<>();
        boolean log = logX();
        cells.forEach((label, byValue) -> {
            List<double[]> points = new ArrayList<>();
            byValue.forEach((x, c) -> {
                if (!c.values().isEmpty()) {
                    double[] v = c.values().stream().mapToDouble(Double::doubleValue).toArray();
                    points.add(new double[] {log ? Math.log10(x) : x, scale(java.util.Arrays.stream(v).average().orElseThrow()),
                        scale(java.util.Arrays.stream(v).min().orElseThrow()), scale(java.util.Arrays.stream(v).max().orElseThrow())});
                }
            });
            if (!points.isEmpty()) {
                series.add(new Series(label, points.stream().mapToDouble(p -> p[0]).toArray(),
                        points.stream().mapToDouble(p -> p[1]).toArray(), points.stream().mapToDouble(p -> p[2]).toArray(),
                        points.stream().mapToDouble(p -> p[3]).toArray()));
            }
        });
        return new Panel(task + ": sensitivity to " + key, log ? "log10(" + key + ")" : key,
                (accuracy ? "final test accuracy %" : "final test loss") + " (mean, min-max over seeds and other settings)",
                !accuracy, series);
    }

    private double scale(double v) {
        return accuracy ? 100 * v : v;
    }

    /** Rows: the values; columns: the entries; cells: mean and std of the metric, failed trials counted. */
    String html() {
        Set<Double> xs = new TreeSet<>();
        cells.values().forEach(m -> xs.addAll(m.keySet()));
        StringBuilder sb = new StringBuilder("<table>\n<tr><th>").append(StudyReport.escape(key)).append("</th>");
        cells.keySet().forEach(l -> sb.append("<th>").append(StudyReport.escape(l)).append("</th>"));
        sb.append("</tr>\n");
        for (double x : xs) {
            sb.append("<tr><td>").append(String.format(Locale.ROOT, "%.6g", x)).append("</td>");
            for (TreeMap<Double, Cell> byValue : cells.values()) {
                Cell c = byValue.get(x);
                sb.append("<td>");
                if (c != null) {
                    double[] v = c.values().stream().mapToDouble(this::scale).toArray();
                    sb.append(c.values().isEmpty() ? "" : TrialResult.meanStd(v, accuracy ? "%.2f" : "%.4g"))
                            .append(c.failed() > 0 ? " (" + c.failed() + " failed)" : "");
                }
                sb.append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }
}
