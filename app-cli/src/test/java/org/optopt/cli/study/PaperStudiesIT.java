package org.optopt.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optopt.cli.MainTest;
import org.optopt.testsupport.IntegrationTest;
import org.optopt.tasks.suite.TaskRegistry;
import org.optopt.testsupport.SharedFiles;

/**
 * A smoke version of each reproduction study runs end to end and reports: every budget cut to 2
 * steps, one seed, one evaluation and each grid to its first point, through {@code --set}
 * overrides only (the study files are used as shipped). Entries on fmnist-2c2d run on the study's
 * first other task instead: one evaluation of that network on its 10,000 test images takes minutes
 * on a loaded 2-core machine. {@code paper-a-gap.yaml} is left out: it trains only fmnist-2c2d and
 * char-rnn-shakespeare, and one evaluation of the character LSTM on its test text takes over a
 * minute there too ({@link PaperStudiesTest} expands it).
 */
@IntegrationTest
class PaperStudiesIT {
    private static final String SLOW = "fmnist-2c2d";

    /** The overrides that shrink {@code file}'s study to a smoke test writing to {@code out}. */
    private static List<String> smoke(Path file, Path out) throws IOException {
        Study study = StudyFile.load(file, List.of());
        List<String> args = new ArrayList<>(List.of("--set", "study.budget={steps: 2}", "--set", "study.seeds=1",
                "--set", "study.evaluations=1", "--set", "study.output=" + out));
        List<String> fast = study.tasks().stream().filter(t -> !t.equals(SLOW)).toList();
        if (fast.size() < study.tasks().size()) {
            args.addAll(List.of("--set", "study.tasks=" + fast));
        }
        Node entries = study.tree().map().get("optimizers");
        for (int i = 0; i < entries.list().size(); i++) {
            Node e = entries.list().get(i);
            if (!e.isMap()) {
                continue;
            }
            String at = "study.optimizers[" + i + "].";
            List<String> tasks = study.optimizers().get(i).scope().tasks();
            if (tasks != null && tasks.contains(SLOW)) {
                List<String> kept = tasks.stream().filter(t -> !t.equals(SLOW)).toList();
                args.addAll(List.of("--set", at + "tasks=" + (kept.isEmpty() ? List.of(fast.get(0)) : kept)));
            }
            for (String key : List.of("budget", "seeds", "evaluations")) {
                if (e.map().containsKey(key)) {
                    args.addAll(List.of("--set", at + key + "=" + Map.of("budget", "{steps: 2}", "seeds", "1",
                            "evaluations", "1").get(key)));
                }
            }
            List<String> firstPoint = new ArrayList<>();
            study.optimizers().get(i).grid().forEach((k, axis) -> firstPoint.add("\"" + k + "\": [" + axis.values().get(0) + "]"));
            if (!firstPoint.isEmpty()) { // the whole grid at once: a tied key ("alpha, level1.alpha") is no key path
                args.addAll(List.of("--set", at + "grid={" + String.join(", ", firstPoint) + "}"));
            }
        }
        return args;
    }

    @ParameterizedTest
    @ValueSource(strings = {"paper-a.yaml", "paper-b.yaml", "paper-b-sensitivity.yaml", "paper-b-cost.yaml",
        "paper-c.yaml"})
    void aSmokeVersionOfTheStudyRunsAndReports(String name, @TempDir Path dir) throws IOException {
        SharedFiles shared = SharedFiles.configured();
        shared.data("mnist/train-images-idx3-ubyte.gz");
        if (name.equals("paper-c.yaml")) {
            shared.data("libsvm/a9a");
            shared.data("libsvm/w8a");
        }
        Path file = PaperStudiesTest.STUDIES.resolve(name);
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("study", "run", file.toString(), "--data-dir",
                shared.root().resolve("data").toString(), "--no-download"));
        args.addAll(smoke(file, out));
        MainTest.Run run = MainTest.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(" 0 pending, 0 running, ") && run.out().contains(" 0 failed, 0 interrupted"),
                run.out() + run.err());
        MainTest.Run report = MainTest.run("report", out.toString(), "--out", dir.resolve("report").toString());
        assertEquals(0, report.exitCode(), report.err());
        assertTrue(Files.readString(dir.resolve("report/results.csv")).lines().count() > 1);
        if (name.equals("paper-b.yaml")) {
            // every re-run started from its tower's learned values
            StudyDirectory d = new StudyDirectory(out);
            List<Trial> reruns = d.load(TaskRegistry.standard()::get).trials().stream()
                    .filter(t -> t.learned() != null).toList();
            assertEquals(24, reruns.size());
            ObjectMapper json = new ObjectMapper();
            for (Trial t : reruns) {
                var settings = json.readTree(d.trialDirectory(t).resolve("run.json").toFile()).get("settings");
                t.learned().hyperparameters().forEach(h -> assertTrue(settings.has(h), t + ": " + settings));
            }
        }
    }
}
