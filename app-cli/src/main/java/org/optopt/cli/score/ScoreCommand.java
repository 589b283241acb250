package org.optopt.cli.score;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.optopt.cli.study.StudyDirectory;
import org.optopt.tasks.suite.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code optopt score STUDY_DIR}: AlgoPerf-style time-to-target scores and performance profiles. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a study's optimizers: time to target per task (median over seeds), performance-profile"
                + " areas over tau in [1, 4], under the external-tuning and self-tuning rulesets.")
public final class ScoreCommand implements Runnable {
    private static final String[] UNITS = {"steps", "seconds"};

    private final TaskRegistry tasks;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory.")
    private Path dir;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    private boolean json;

    @Inject
    ScoreCommand(TaskRegistry tasks) {
        this.tasks = tasks;
    }

    @Override
    public void run() {
        try {
            StudyDirectory d = new StudyDirectory(dir);
            StudyScores scores = StudyScores.of(d, d.load(tasks::get));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toMap(scores)));
            } else {
                print(scores, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static Map<String, double[]> ratios(StudyScores s, StudyScores.Ruleset r, String unit) {
        return Profiles.ratios(unit.equals("steps") ? r.steps() : r.seconds(), s.optimizers());
    }

    /** The scores as nested maps (infinities as null). */
    static Map<String, Object> toMap(StudyScores s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tau_max", Profiles.TAU_MAX);
        out.put("optimizers", s.optimizers());
        out.put("tasks", s.tasks());
        Map<String, Object> rulesets = new LinkedHashMap<>();
        s.rulesets().forEach((name, r) -> {
            Map<String, Object> rs = new LinkedHashMap<>();
            for (String unit : UNITS) {
                Map<String, Map<String, Double>> times = unit.equals("steps") ? r.steps() : r.seconds();
                Map<String, Object> perTask = new LinkedHashMap<>();
                times.forEach((task, byOpt) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    byOpt.forEach((o, t) -> m.put(o, finite(t)));
                    perTask.put(task, m);
                });
                Map<String, double[]> ratios = ratios(s, r, unit);
                Map<String, Object> area = new LinkedHashMap<>();
                Map<String, Object> profile = new LinkedHashMap<>();
                ratios.forEach((o, rs2) -> {
                    area.put(o, Profiles.area(rs2));
                    profile.put(o, Profiles.curve(rs2, 31));
                });
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("time_to_target", perTask);
                u.put("area", area);
                u.put("profile", profile);
                rs.put(unit, u);
            }
            rulesets.put(name, rs);
        });
        out.put("rulesets", rulesets);
        return out;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static void print(StudyScores s, PrintWriter out) {
        int width = Math.max(12, s.optimizers().stream().mapToInt(String::length).max().orElse(0) + 2);
        int taskWidth = Math.max(10, s.tasks().stream().mapToInt(String::length).max().orElse(0) + 2);
        s.rulesets().forEach((name, r) -> {
            out.println((name.equals("external") ? "external tuning (best trial of each sweep, median over seeds)"
                    : "self tuning (defaults, enlarged budget, median over seeds)")
                    + ": time to target in steps (seconds); - not reached");
            StringBuilder header = new StringBuilder(pad("task", taskWidth));
            s.optimizers().forEach(o -> header.append(pad(o, width + 10)));
            out.println(header.toString().stripTrailing());
            for (String task : s.tasks()) {
                StringBuilder row = new StringBuilder(pad(task, taskWidth));
                for (String o : s.optimizers()) {
                    double st = r.steps().get(task).get(o);
                    double se = r.seconds().get(task).get(o);
                    row.append(pad(Double.isFinite(st) ? String.format(Locale.ROOT, "%.0f (%.2f s)", st, se) : "-",
                            width + 10));
                }
                out.println(row.toString().stripTrailing());
            }
            for (String unit : UNITS) {
                List<String> cells = new ArrayList<>();
                ratios(s, r, unit).forEach((o, rs) -> cells.add(String.format(Locale.ROOT, "%s %.3f", o, Profiles.area(rs))));
                out.println("profile area (tau in [1, 4]), " + unit + ": " + String.join(", ", cells));
            }
            out.println();
        });
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
