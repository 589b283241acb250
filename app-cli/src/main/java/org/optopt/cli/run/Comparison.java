package org.optopt.cli.run;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.optopt.cli.report.LinePlot;
import org.optopt.cli.report.Series;
import org.optopt.tasks.suite.Task;

/** The results of several optimizers over several seeds on one task: table, CSV and plot panels. */
final class Comparison {
    /** One optimizer's completed runs (one per seed) and how many of its runs failed. */
    record Entry(String optimizer, List<Trainer.Result> runs, int failed) {}

    private final Task task;
    private final List<Entry> entries;

    Comparison(Task task, List<Entry> entries) {
        this.task = task;
        this.entries = List.copyOf(entries);
    }

    /** The entries with at least one completed run. */
    private List<Entry> completed() {
        return entries.stream().filter(e -> !e.runs().isEmpty()).toList();
    }

    /** Mean and sample standard deviation (0 for one value) of the finite values; NaN if none. */
    static double[] meanStd(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).toArray();
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double mean = Arrays.stream(v).average().orElseThrow();
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0};
    }

    private static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double[] each(List<Trainer.Result> runs, java.util.function.ToDoubleFunction<Trainer.Result> f) {
        return runs.stream().mapToDouble(f).toArray();
    }

    /** Prints one row per optimizer. */
    void printTable(PrintWriter out) {
        boolean accuracy = completed().stream().anyMatch(e -> !Double.isNaN(e.runs().get(0).finalEvaluation().accuracy()));
        out.printf(Locale.ROOT, "task %s, target %s, %d seed(s)%n", task.name(), task.target(),
                entries.get(0).runs().size() + entries.get(0).failed());
        out.printf(Locale.ROOT, "%-34s %-21s %-17s %-8s %-15s %s%n", "optimizer", "test loss", accuracy ? "test accuracy %" : "",
                "reached", "steps to target", "s to target");
        for (Entry e : entries) {
            if (e.runs().isEmpty()) {
                out.printf(Locale.ROOT, "%-34s every run failed (%d)%n", e.optimizer(), e.failed());
                continue;
            }
            double[] loss = meanStd(each(e.runs(), r -> r.finalEvaluation().loss()));
            double[] acc = meanStd(each(e.runs(), r -> 100 * r.finalEvaluation().accuracy()));
            long reached = e.runs().stream().filter(Trainer.Result::reachedTarget).count();
            double steps = median(each(e.runs(), r -> r.reachedTarget() ? r.stepsToTarget() : Double.NaN));
            double secs = median(each(e.runs(), r -> r.reachedTarget() ? r.secondsToTarget() : Double.NaN));
            out.printf(Locale.ROOT, "%-34s %-21s %-17s %-8s %-15s %s%n", e.optimizer(),
                    String.format(Locale.ROOT, "%.4g +- %.2g", loss[0], loss[1]),
                    accuracy ? String.format(Locale.ROOT, "%.2f +- %.2f", acc[0], acc[1]) : "",
                    reached + "/" + (e.runs().size() + e.failed()) + (e.failed() > 0 ? " (" + e.failed() + " failed)" : ""),
                    Double.isNaN(steps) ? "-" : String.format(Locale.ROOT, "%.0f", steps),
                    Double.isNaN(secs) ? "-" : String.format(Locale.ROOT, "%.2f", secs));
        }
    }

    /** The table as CSV (one row per optimizer and seed). */
    String csv() {
        StringBuilder sb = new StringBuilder("optimizer,seed,steps,seconds,test_loss,test_accuracy,steps_to_target,seconds_to_target\n");
        for (Entry e : entries) {
            for (int s = 0; s < e.runs().size(); s++) {
                Trainer.Result r = e.runs().get(s);
                EvalRecord last = r.finalEvaluation();
                sb.append('"').append(e.optimizer()).append("\",").append(s).append(',').append(last.step()).append(',')
                        .append(last.seconds()).append(',').append(last.loss()).append(',')
                        .append(Double.isNaN(last.accuracy()) ? "" : last.accuracy()).append(',')
                        .append(r.reachedTarget() ? r.stepsToTarget() : "").append(',')
                        .append(r.reachedTarget() ? r.secondsToTarget() : "").append('\n');
            }
        }
        return sb.toString();
    }

    /** Training loss (smoothed, log scale) and the test metric against steps, with seed bands. */
    List<LinePlot.Panel> panels() {
        List<Series> train = new ArrayList<>();
        List<Series> test = new ArrayList<>();
        boolean accuracy = !Double.isNaN(completed().get(0).runs().get(0).finalEvaluation().accuracy());
        for (Entry e : completed()) {
            train.add(band(e.optimizer(), e.runs(), true, false));
            test.add(band(e.optimizer(), e.runs(), false, accuracy));
        }
        return List.of(new LinePlot.Panel(task.name() + ": training loss", "step", "loss (moving average)", true, train),
                new LinePlot.Panel(task.name() + ": test " + (accuracy ? "accuracy" : "loss"), "step",
                        accuracy ? "accuracy" : "loss", !accuracy, test));
    }

    private static Series band(String label, List<Trainer.Result> runs, boolean training, boolean accuracy) {
        List<double[]> curves = new ArrayList<>();
        double[] x = null;
        for (Trainer.Result r : runs) {
            double[] y;
            if (training) {
                y = movingAverage(r.steps().stream().mapToDouble(StepRecord::loss).toArray(),
                        Math.max(1, r.steps().size() / 50));
                x = r.steps().stream().mapToDouble(StepRecord::step).toArray();
            } else {
                y = r.evaluations().stream().mapToDouble(ev -> accuracy ? ev.accuracy() : ev.loss()).toArray();
                x = r.evaluations().stream().mapToDouble(EvalRecord::step).toArray();
            }
            curves.add(y);
        }
        int n = curves.stream().mapToInt(c -> c.length).min().orElse(0);
        double[] mean = new double[n];
        double[] low = new double[n];
        double[] high = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            low[i] = Double.POSITIVE_INFINITY;
            high[i] = Double.NEGATIVE_INFINITY;
            for (double[] c : curves) {
                sum += c[i];
                low[i] = Math.min(low[i], c[i]);
                high[i] = Math.max(high[i], c[i]);
            }
            mean[i] = sum / curves.size();
        }
        return new Series(label, Arrays.copyOf(x, n), mean, low, high);
    }

    private static double[] movingAverage(double[] v, int window) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= window) {
                sum -= v[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }
}
