package org.optopt.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import org.optopt.cli.format.Numbers;
import org.optopt.cli.format.Table;
import org.optopt.cli.report.Figure;
import org.optopt.cli.report.Panel;
import org.optopt.cli.report.Series;
import org.optopt.tasks.suite.Target;
import org.optopt.tasks.suite.Task;
import org.optopt.tasks.training.EvalRecord;
import org.optopt.tasks.training.StepRecord;
import org.optopt.tasks.training.Trainer;

/** The results of several optimizers (or one) over several seeds (or one) on one task: table, CSV and plots. */
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

    /**
     * Prints one row per optimizer: final test loss (and accuracy) as mean +- sample standard
     * deviation over the seeds (the mean alone for one seed), how many seeds reached the target,
     * and the median steps and seconds to it over those that did.
     */
    void printTable(PrintWriter out) {
        boolean accuracy = hasAccuracy();
        out.printf(Locale.ROOT, "task %s, target %s, %d seed(s)%n", task.name(), task.target(),
                entries.get(0).runs().size() + entries.get(0).failed());
        List<String> header = new ArrayList<>(List.of("optimizer", "test loss"));
        if (accuracy) {
            header.add("test accuracy %");
        }
        header.addAll(List.of("reached", "steps to target", "s to target"));
        Table table = new Table(header);
        for (Entry e : entries) {
            if (e.runs().isEmpty()) {
                table.row(List.of(e.optimizer(), "every run failed (" + e.failed() + ")"));
                continue;
            }
            List<String> row = new ArrayList<>(List.of(e.optimizer(), meanStd(each(e.runs(),
                    r -> r.finalEvaluation().loss()), m -> Numbers.significant(m, 3), d -> Numbers.significant(d, 2))));
            if (accuracy) {
                DoubleFunction<String> twoDecimals = v -> String.format(Locale.ROOT, "%.2f", v);
                row.add(meanStd(each(e.runs(), r -> 100 * r.finalEvaluation().accuracy()), twoDecimals, twoDecimals));
            }
            long reached = e.runs().stream().filter(Trainer.Result::reachedTarget).count();
            double steps = median(each(e.runs(), r -> r.reachedTarget() ? r.stepsToTarget() : Double.NaN));
            double secs = median(each(e.runs(), r -> r.reachedTarget() ? r.secondsToTarget() : Double.NaN));
            row.add(reached + "/" + (e.runs().size() + e.failed()) + (e.failed() > 0 ? " (" + e.failed() + " failed)" : ""));
            row.add(Double.isNaN(steps) ? "-" : String.format(Locale.ROOT, "%.0f", steps));
            row.add(Double.isNaN(secs) ? "-" : Numbers.significant(secs, 2));
            table.row(row);
        }
        table.print(out);
    }

    /** {@code mean +- std} of the finite values, each formatted; the mean alone for one value. */
    static String meanStd(double[] values, DoubleFunction<String> mean, DoubleFunction<String> std) {
        double[] ms = meanStd(values);
        return Arrays.stream(values).filter(Double::isFinite).count() > 1
                ? mean.apply(ms[0]) + " +- " + std.apply(ms[1]) : mean.apply(ms[0]);
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

    private boolean hasAccuracy() {
        return completed().stream().anyMatch(e -> !Double.isNaN(e.runs().get(0).finalEvaluation().accuracy()));
    }

    /**
     * Writes {@code curves.png}/{@code .svg} (training loss and the test metric against steps,
     * with seed bands and the target) and, when some hyperparameter changed during training (a
     * hypergradient tower learns it), {@code hyperparameters.png}/{@code .svg} with one chart per
     * such hyperparameter.
     *
     * @return the names of the files written
     */
    List<String> writePlots(Path dir) throws IOException {
        List<String> written = new ArrayList<>();
        Figure.write(curves(), dir.resolve("curves.png"), dir.resolve("curves.svg"));
        written.addAll(List.of("curves.png", "curves.svg"));
        List<Panel> learned = hyperparameters();
        if (!learned.isEmpty()) {
            Figure.write(learned, dir.resolve("hyperparameters.png"), dir.resolve("hyperparameters.svg"));
            written.addAll(List.of("hyperparameters.png", "hyperparameters.svg"));
        }
        return written;
    }

    /** Training loss (smoothed, log scale) and the test metric against steps, with seed bands and the target. */
    List<Panel> curves() {
        List<Series> train = new ArrayList<>();
        List<Series> test = new ArrayList<>();
        boolean accuracy = hasAccuracy();
        for (Entry e : completed()) {
            train.add(band(e.optimizer(), e.runs(), r -> smoothedLoss(r), r -> steps(r)));
            test.add(band(e.optimizer(), e.runs(),
                    r -> r.evaluations().stream().mapToDouble(ev -> accuracy ? ev.accuracy() : ev.loss()).toArray(),
                    r -> r.evaluations().stream().mapToDouble(EvalRecord::step).toArray()));
        }
        Target target = task.target();
        boolean targetIsAccuracy = target.metric() == Target.Metric.TEST_ACCURACY_AT_LEAST;
        Panel.Reference reference = targetIsAccuracy == accuracy
                ? new Panel.Reference("target: " + target, target.threshold()) : null;
        return List.of(new Panel(task.name() + ": training loss", "step", "mini-batch loss (moving average)", true, train,
                        null),
                new Panel(task.name() + ": test " + (accuracy ? "accuracy" : "loss"), "step",
                        accuracy ? "test accuracy" : "test loss", !accuracy, test, reference));
    }

    /** One chart per hyperparameter that changed during some run, one curve per optimizer. */
    List<Panel> hyperparameters() {
        Set<String> changing = new LinkedHashSet<>();
        for (Entry e : completed()) {
            for (Trainer.Result r : e.runs()) {
                Map<String, Double> first = r.steps().get(0).hyperparameters();
                for (StepRecord step : r.steps()) {
                    step.hyperparameters().forEach((name, v) -> {
                        if (!v.equals(first.get(name))) {
                            changing.add(name);
                        }
                    });
                }
            }
        }
        List<Panel> panels = new ArrayList<>();
        for (String name : changing) {
            List<Series> series = new ArrayList<>();
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Entry e : completed()) {
                if (e.runs().get(0).steps().get(0).hyperparameters().containsKey(name)) {
                    Series s = band(e.optimizer(), e.runs(), r -> r.steps().stream()
                            .mapToDouble(st -> st.hyperparameters().getOrDefault(name, Double.NaN)).toArray(),
                            r -> steps(r));
                    series.add(s);
                    min = Math.min(min, Arrays.stream(s.low()).min().orElse(min));
                    max = Math.max(max, Arrays.stream(s.high()).max().orElse(max));
                }
            }
            panels.add(new Panel(task.name() + ": " + name + " as learned", "step", name, min > 0 && max > 10 * min,
                    series, null));
        }
        return panels;
    }

    private static double[] steps(Trainer.Result r) {
        return r.steps().stream().mapToDouble(StepRecord::step).toArray();
    }

    private static double[] smoothedLoss(Trainer.Result r) {
        return movingAverage(r.steps().stream().mapToDouble(StepRecord::loss).toArray(), Math.max(1, r.steps().size() / 50));
    }

    /** The mean over seeds of {@code y} and its band (minimum to maximum), at the x of the shortest run. */
    private static Series band(String label, List<Trainer.Result> runs, Function<Trainer.Result, double[]> y,
            Function<Trainer.Result, double[]> x) {
        List<double[]> curves = runs.stream().map(y).toList();
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
        return new Series(label, Arrays.copyOf(x.apply(runs.get(0)), n), mean, low, high);
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
