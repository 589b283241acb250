package org.optopt.cli.design;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.optopt.cli.run.ProbeRun;
import org.optopt.tasks.training.Json;
import org.optopt.theory.Budget;
import org.optopt.theory.Design;
import org.optopt.theory.Intersection;

/**
 * Prints a {@link Design}: for people (budget, value, optimizer with hyperparameters, Q* in full up
 * to {@value #FULL} dimensions and as a summary above), and as one JSON object with the keys
 * {@code budget}, {@code radius} (an array for an intersection), {@code value}, {@code solver},
 * {@code optimizer}, {@code hyperparameters} (an object), {@code dimension} and {@code q} (Q* as
 * an array of rows). Numbers print in full precision (shortest round-trip form); non-finite ones as null.
 */
public final class DesignReport {
    /** The largest dimension whose Q* the human output prints in full. */
    public static final int FULL = 12;

    private DesignReport() {}

    /** The design as one JSON object. */
    public static String json(Design design) {
        return "{" + String.join(", ", jsonFields(design)) + "}";
    }

    /** The design's JSON fields ({@code "key": value}), for embedding in a larger object. */
    public static List<String> jsonFields(Design design) {
        List<String> f = new ArrayList<>();
        f.add(Json.string("budget") + ": " + Json.string(design.budget().name()));
        f.add(Json.string("radius") + ": " + radius(design.budget()));
        f.add(Json.string("value") + ": " + number(design.value()));
        f.add(Json.string("solver") + ": " + Json.string(design.solver()));
        f.add(Json.string("optimizer") + ": " + Json.string(design.optimizer()));
        f.add(Json.string("hyperparameters") + ": {" + design.hyperparameters().entrySet().stream()
                .map(e -> Json.string(e.getKey()) + ": " + number(e.getValue())).collect(Collectors.joining(", ")) + "}");
        f.add(Json.string("dimension") + ": " + design.dimension());
        StringBuilder q = new StringBuilder("[");
        for (int i = 0; i < design.dimension(); i++) {
            q.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < design.dimension(); j++) {
                q.append(j == 0 ? "" : ", ").append(number(design.q(i, j)));
            }
            q.append(']');
        }
        f.add(Json.string("q") + ": " + q.append(']'));
        return f;
    }

    private static String radius(Budget budget) {
        if (budget instanceof Intersection in) {
            return in.parts().stream().map(b -> number(b.radius())).collect(Collectors.joining(", ", "[", "]"));
        }
        return number(budget.radius());
    }

    /** A JSON number in shortest round-trip form, or null if not finite. */
    static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    /**
     * The per-layer designs of {@code optopt design --task} as one JSON object: {@code task},
     * {@code steps}, {@code run_directory}, {@code budget}, {@code radius}, {@code statistics} (the
     * run's global ones) and {@code layers}, each with {@code parameter}, {@code shape},
     * {@code statistics} and either the design's fields or {@code skipped} (the reason).
     */
    public static String json(ProbeRun.Collected<?> run, Budget budget, Map<String, Double> global, List<TaskDesign> layers) {
        List<String> f = new ArrayList<>();
        f.add(Json.string("task") + ": " + Json.string(run.task()));
        f.add(Json.string("steps") + ": " + run.steps());
        f.add(Json.string("run_directory") + ": " + Json.string(run.directory().toString()));
        f.add(Json.string("budget") + ": " + Json.string(budget.name()));
        f.add(Json.string("radius") + ": " + radius(budget));
        f.add(Json.string("statistics") + ": " + numbers(global));
        List<String> items = new ArrayList<>();
        for (TaskDesign l : layers) {
            List<String> g = new ArrayList<>();
            g.add(Json.string("parameter") + ": " + Json.string(l.parameter()));
            g.add(Json.string("shape") + ": " + java.util.Arrays.toString(l.shape()));
            g.add(Json.string("sigma") + ": " + Json.string(l.sigma()));
            g.add(Json.string("statistics") + ": " + numbers(l.statistics()));
            if (l.design().isPresent()) {
                g.addAll(jsonFields(l.design().get()));
            } else {
                g.add(Json.string("skipped") + ": " + Json.string(l.skipped()));
            }
            items.add("{" + String.join(", ", g) + "}");
        }
        f.add(Json.string("layers") + ": [" + String.join(", ", items) + "]");
        return "{" + String.join(", ", f) + "}";
    }

    private static String numbers(Map<String, Double> m) {
        return m.entrySet().stream().map(e -> Json.string(e.getKey()) + ": " + number(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** The per-layer designs of {@code optopt design --task} for people. */
    public static String text(ProbeRun.Collected<?> run, Budget budget, Map<String, Double> global, List<TaskDesign> layers) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "run          %s (%d steps, every probe attached)%n", run.directory(), run.steps()));
        sb.append(String.format(Locale.ROOT, "statistics  %s%n", hyper(global)));
        for (TaskDesign l : layers) {
            sb.append(String.format(Locale.ROOT, "%nlayer %s %s (sigma: %s)%s%n", l.parameter(),
                    java.util.Arrays.toString(l.shape()), l.sigma(), hyper(l.statistics())));
            sb.append(l.design().map(DesignReport::text).orElse("  no design: " + l.skipped() + System.lineSeparator()));
        }
        return sb.toString();
    }

    /** The design for people, several lines. */
    public static String text(Design design) {
        StringBuilder sb = new StringBuilder();
        Budget b = design.budget();
        sb.append(String.format(Locale.ROOT, "budget       %s (radius %s)%n", b.name(),
                b instanceof Intersection ? radius(b) : String.format(Locale.ROOT, "%.6g", b.radius())));
        sb.append(String.format(Locale.ROOT, "solver       %s%n", design.solver()));
        sb.append(String.format(Locale.ROOT, "value        E[g^T Q* g] = %.10g%n", design.value()));
        sb.append(String.format(Locale.ROOT, "optimizer    %s%s%n", design.optimizer(), hyper(design.hyperparameters())));
        int d = design.dimension();
        if (d <= FULL) {
            sb.append(String.format(Locale.ROOT, "Q* (%dx%d):%n", d, d));
            for (int i = 0; i < d; i++) {
                sb.append(" ");
                for (int j = 0; j < d; j++) {
                    sb.append(String.format(Locale.ROOT, " %12.6g", design.q(i, j)));
                }
                sb.append(System.lineSeparator());
            }
        } else {
            double trace = 0;
            double frob = 0;
            double minDiag = Double.POSITIVE_INFINITY;
            double maxDiag = Double.NEGATIVE_INFINITY;
            double maxOff = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double x = design.q(i, j);
                    frob += x * x;
                    if (i == j) {
                        trace += x;
                        minDiag = Math.min(minDiag, x);
                        maxDiag = Math.max(maxDiag, x);
                    } else {
                        maxOff = Math.max(maxOff, Math.abs(x));
                    }
                }
            }
            sb.append(String.format(Locale.ROOT, "Q* (%dx%d, summary; --json prints it in full): trace %.6g, Frobenius"
                    + " norm %.6g, diagonal in [%.6g, %.6g], largest |off-diagonal| %.6g%n", d, d, trace, Math.sqrt(frob),
                    minDiag, maxDiag, maxOff));
        }
        return sb.toString();
    }

    private static String hyper(Map<String, Double> h) {
        if (h.isEmpty()) {
            return "";
        }
        return h.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s=%.6g", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ", " (", ")"));
    }
}
