package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.MainTest;
import org.optopt.cli.MainTest.Run;

/** {@code optopt run}, {@code compare} and {@code tasks} in-process on the reference backend. */
class RunCommandTest {

    private static Path onlyRunDirectory(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> dirs = s.toList();
            assertEquals(1, dirs.size(), dirs.toString());
            return dirs.get(0);
        }
    }

    private static String readStatus(Path runDirectory) {
        try {
            return Files.readString(runDirectory.resolve("STATUS")).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRunWritesACompleteRunDirectory(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer", "sgd",
                "--set", "lr=0.05", "--steps", "20", "--evaluations", "2", "--runs-dir", runs.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path dir = onlyRunDirectory(runs);
        assertEquals("complete", Files.readString(dir.resolve("STATUS")).strip());
        List<String> steps = Files.readAllLines(dir.resolve("steps.csv"));
        assertEquals(21, steps.size());
        assertTrue(steps.get(0).startsWith("step,seconds,loss,") && steps.get(0).contains("lr"), steps.get(0));
        assertTrue(steps.get(1).contains("0.0500000"), steps.get(1));
        assertEquals(3, Files.readAllLines(dir.resolve("evals.csv")).size());
        String metrics = Files.readString(dir.resolve("metrics.json"));
        assertTrue(metrics.contains("\"steps\": 20") && metrics.contains("\"test_loss\": "), metrics);
        String config = Files.readString(dir.resolve("config.json"));
        assertTrue(config.contains("\"optimizer\": \"sgd(lr=0.05)\""), config);
        // Every hyperparameter, the defaults of sgd (torch.optim.SGD's) included, and the option.
        assertTrue(config.contains("\"hyperparameters\": {\"lr\": 0.05, \"momentum\": 0.0, \"dampening\": 0.0,"
                + " \"weight_decay\": 0.0, \"nesterov\": false}"), config);
        assertTrue(config.contains("\"optopt_version\": \""), config);
        assertTrue(config.contains("\"git_commit\": "), config);
        assertTrue(ImageIO.read(dir.resolve("curves.png").toFile()).getWidth() > 1000);
        assertFalse(Files.exists(dir.resolve("hyperparameters.png")), "nothing learned, nothing to plot");
        assertTrue(r.out().contains("teacher-student-mlp with sgd(lr=0.05), seed 0: 20 steps"), r.out());
    }

    /**
     * The runner evaluates inside the optimizer's evaluation view: with an EMA of decay 1 - 1e-9 the
     * average stays at the initial parameters, so the test loss is that of a run with lr 0, while
     * the training losses are those of the plain run.
     */
    @Test
    void evaluationsUseTheAveragedParameters(@TempDir Path runs) throws IOException {
        for (String[] run : List.of(new String[] {"plain", "lr=0.05"}, new String[] {"frozen", "lr=0"},
                new String[] {"averaged", "lr=0.05", "average=ema:0.999999999"})) {
            List<String> args = new java.util.ArrayList<>(List.of("--backend", "reference", "run", "--task",
                    "teacher-student-mlp", "--optimizer", "sgd", "--steps", "10", "--evaluations", "1",
                    "--runs-dir", runs.resolve(run[0]).toString()));
            for (int i = 1; i < run.length; i++) {
                args.addAll(List.of("--set", run[i]));
            }
            Run r = MainTest.run(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err());
        }
        String plain = Files.readAllLines(onlyRunDirectory(runs.resolve("plain")).resolve("evals.csv")).get(1);
        String frozen = Files.readAllLines(onlyRunDirectory(runs.resolve("frozen")).resolve("evals.csv")).get(1);
        String averaged = Files.readAllLines(onlyRunDirectory(runs.resolve("averaged")).resolve("evals.csv")).get(1);
        double frozenLoss = Double.parseDouble(frozen.split(",")[2]);
        assertEquals(frozenLoss, Double.parseDouble(averaged.split(",")[2]), 1e-6 * frozenLoss, averaged + " vs " + frozen);
        assertFalse(plain.split(",")[2].equals(averaged.split(",")[2]), plain);
        List<String> plainSteps = Files.readAllLines(onlyRunDirectory(runs.resolve("plain")).resolve("steps.csv"));
        List<String> averagedSteps = Files.readAllLines(onlyRunDirectory(runs.resolve("averaged")).resolve("steps.csv"));
        assertEquals(plainSteps.get(10).split(",")[2], averagedSteps.get(10).split(",")[2], "training loss at step 10");
    }

    @Test
    void theSameSeedGivesTheSameLosses(@TempDir Path runs) throws IOException {
        for (String sub : List.of("a", "b")) {
            Run r = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "adam",
                    "--steps", "15", "--seed", "3", "--runs-dir", runs.resolve(sub).toString());
            assertEquals(0, r.exitCode(), r.err());
        }
        List<String> a = Files.readAllLines(onlyRunDirectory(runs.resolve("a")).resolve("steps.csv"));
        List<String> b = Files.readAllLines(onlyRunDirectory(runs.resolve("b")).resolve("steps.csv"));
        for (int i = 1; i < a.size(); i++) {
            assertEquals(a.get(i).split(",")[2], b.get(i).split(",")[2], "loss at step " + i);
        }
    }

    @Test
    void aDivergingRunIsMarkedFailedAndHasNoMetrics(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "sgd",
                "--set", "lr=1e6", "--steps", "50", "--runs-dir", runs.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("optopt: error:")).count(), r.err());
        Path dir = onlyRunDirectory(runs);
        assertTrue(Files.readString(dir.resolve("STATUS")).startsWith("failed: "));
        assertFalse(Files.exists(dir.resolve("metrics.json")));
    }

    @Test
    void badInputIsRejectedBeforeTraining(@TempDir Path runs) {
        String dir = runs.toString();
        Run noTask = MainTest.run("--backend", "reference", "run", "--optimizer", "sgd", "--runs-dir", dir);
        assertEquals(2, noTask.exitCode());
        assertTrue(noTask.err().contains("Missing required option: '--task=TASK'"), noTask.err());
        Run unknownTask = MainTest.run("--backend", "reference", "run", "--task", "nope", "--optimizer", "sgd", "--runs-dir", dir);
        assertEquals(2, unknownTask.exitCode());
        assertTrue(unknownTask.err().contains("Unknown task 'nope'; known tasks: "), unknownTask.err());
        Run unknownOptimizer = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "nope",
                "--runs-dir", dir);
        assertEquals(2, unknownOptimizer.exitCode());
        assertTrue(unknownOptimizer.err().contains("nope") && unknownOptimizer.err().contains("adam"), unknownOptimizer.err());
        Run unknownSetting = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "sgd",
                "--set", "beta7=1", "--runs-dir", dir);
        assertEquals(2, unknownSetting.exitCode());
        assertTrue(unknownSetting.err().contains("Invalid setting \"beta7=1\" at column 1: sgd has no hyperparameter or option 'beta7'"),
                unknownSetting.err());
        Run negativeLr = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "sgd",
                "--set", "lr=-1", "--runs-dir", dir);
        assertEquals(2, negativeLr.exitCode());
        assertTrue(negativeLr.err().contains("lr") && negativeLr.err().contains("-1"), negativeLr.err());
        Run zeroSteps = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "sgd",
                "--steps", "0", "--runs-dir", dir);
        assertEquals(2, zeroSteps.exitCode());
        assertTrue(zeroSteps.err().contains("--steps must be at least 1, got 0"), zeroSteps.err());
        assertTrue(runs.toFile().list().length == 0, "no run directory for rejected input");
    }

    @Test
    void compareRunsEveryOptimizerAndSeedAndPlots(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "compare", "--task", "rosenbrock", "--optimizers",
                "sgd(lr=1e-3),adam(lr=0.01,beta1=0.8)", "--seeds", "2", "--steps", "30", "--runs-dir", runs.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("sgd(lr=0.001)") && r.out().contains("adam(lr=0.01, beta1=0.8)"), r.out());
        Path dir = onlyRunDirectory(runs);
        BufferedImage png = ImageIO.read(dir.resolve("curves.png").toFile());
        assertTrue(png.getWidth() > 1000 && png.getHeight() > 300, png.getWidth() + "x" + png.getHeight());
        assertTrue(Files.readString(dir.resolve("curves.svg")).contains("<svg"));
        assertEquals(5, Files.readAllLines(dir.resolve("summary.csv")).size());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(4, s.filter(Files::isDirectory).count());
        }
    }

    @Test
    void tasksListsTheSuite() {
        Run r = MainTest.run("tasks", "--no-estimate");
        assertEquals(0, r.exitCode(), r.err());
        for (String t : List.of("quadratic-deep", "noisy-quadratic", "rosenbrock", "logreg-synthetic", "logreg-a9a",
                "logreg-w8a", "logreg-mnist", "mnist-mlp", "fmnist-2c2d", "char-rnn-shakespeare", "teacher-student-mlp")) {
            assertTrue(r.out().contains(t), t + " missing in\n" + r.out());
        }
    }

    @Test
    void tasksEstimatesTheRunTimeOfTheTasksAsked() {
        Run r = MainTest.run("--backend", "reference", "tasks", "rosenbrock", "teacher-student-mlp");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).endsWith("RUN TIME"), lines.get(0));
        assertTrue(lines.get(1).startsWith("rosenbrock ") && lines.get(1).matches(".*~[0-9.]+ (s|min|h)$"), lines.get(1));
        assertTrue(lines.get(2).startsWith("teacher-student-mlp ") && lines.get(2).matches(".*~[0-9.]+ (s|min|h)$"),
                lines.get(2));
        assertTrue(lines.get(3).contains("timed on a few steps of Adam on reference"), lines.get(3));
    }

    @Test
    void runTimeEstimatesAddSetupStepsAndEvaluations() {
        RunTimeEstimate e = new RunTimeEstimate(2, 0.01, 0.5, 1000);
        assertEquals(2 + 10 + 20 * 0.5, e.seconds(), 1e-12);
        assertEquals("~22 s", e.text());
        assertEquals("~17 min", new RunTimeEstimate(0, 1, 0, 1000).text());
        assertEquals("~2.8 h", new RunTimeEstimate(0, 1, 0, 10_000).text());
        assertEquals(3 * 0.5 + 3 * 0.1, new RunTimeEstimate(0, 0.1, 0.5, 3).seconds(), 1e-12, "no more evaluations than steps");
    }

    @Test
    void aTowerTracesEveryLevelAndLearnsItsLearningRate(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "run", "--task", "teacher-student-mlp", "--optimizer", "sgd(0.05)/sgd(1e-4)",
                "--set", "level1.lr=2e-4", "--steps", "30", "--runs-dir", runs.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> steps = Files.readAllLines(onlyRunDirectory(runs).resolve("steps.csv"));
        List<String> header = List.of(steps.get(0).split(","));
        int lr0 = header.indexOf("L0.lr");
        int lr1 = header.indexOf("L1.lr");
        assertTrue(lr0 > 0 && lr1 > 0, steps.get(0));
        assertEquals(2e-4, Double.parseDouble(steps.get(1).split(",")[lr1]), 1e-12);
        double first = Double.parseDouble(steps.get(1).split(",")[lr0]);
        double last = Double.parseDouble(steps.get(steps.size() - 1).split(",")[lr0]);
        assertEquals(0.05, first, 1e-8);
        assertTrue(first != last, "the hyper-level changes the model level's lr: " + first + " -> " + last);
    }

    @Test
    void aScheduleFromSetDrivesTheStepSizeAndTheConfigRecordsTheResolvedSpec(@TempDir Path runs) throws IOException {
        Map<String, List<String>> losses = new java.util.LinkedHashMap<>();
        for (String schedule : List.of("none", "constant", "warmup(4)+cosine(8, min=1e-4)")) {
            Path dir = runs.resolve(schedule.substring(0, 4));
            List<String> args = new ArrayList<>(List.of("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer",
                    "sgd(1e-3)", "--steps", "12", "--runs-dir", dir.toString()));
            if (!schedule.equals("none")) {
                args.addAll(List.of("--set", "schedule.lr=" + schedule));
            }
            Run r = MainTest.run(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err());
            List<String> steps = Files.readAllLines(onlyRunDirectory(dir).resolve("steps.csv"));
            int loss = List.of(steps.get(0).split(",")).indexOf("loss");
            losses.put(schedule, steps.stream().skip(1).map(l -> l.split(",")[loss]).toList());
        }
        assertEquals(losses.get("none"), losses.get("constant"), "a constant schedule keeps the base value");
        assertNotEquals(losses.get("none"), losses.get("warmup(4)+cosine(8, min=1e-4)"), "the schedule reaches the optimizer");
        String config = Files.readString(onlyRunDirectory(runs.resolve("warm")).resolve("config.json"));
        assertTrue(config.contains("\"sgd(lr=0.001, schedule.lr=warmup(steps=4, start=0)+cosine(steps=8, min=1e-4))\""), config);
    }

    @Test
    void towerErrorsNameTheColumnOrTheLevel(@TempDir Path runs) {
        Run badStack = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "adam/sgd(1e-5",
                "--runs-dir", runs.toString());
        assertEquals(2, badStack.exitCode());
        assertTrue(badStack.err().contains("column"), badStack.err());
        Run badLevel = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "adam/sgd(1e-5)",
                "--set", "level2.lr=1", "--runs-dir", runs.toString());
        assertEquals(2, badLevel.exitCode());
        assertTrue(badLevel.err().contains("has levels 0 to 1"), badLevel.err());
        Run badName = MainTest.run("--backend", "reference", "run", "--task", "rosenbrock", "--optimizer", "adam/sgd(1e-5)",
                "--set", "level1.beta9=1", "--runs-dir", runs.toString());
        assertEquals(2, badName.exitCode());
        assertTrue(badName.err().contains("Invalid setting \"level1.beta9=1\" at column 1: sgd has no hyperparameter or option"
                + " 'beta9'; it has lr, momentum"), badName.err());
    }

    @Test
    void compareGoesOnPastADivergingOptimizer(@TempDir Path runs) throws IOException {
        Run r = MainTest.run("--backend", "reference", "compare", "--task", "rosenbrock", "--optimizers",
                "sgd(lr=1e6),adam(lr=0.01)", "--seeds", "2", "--steps", "20", "--runs-dir", runs.toString());
        assertEquals(1, r.exitCode(), "a partly failed comparison fails: " + r.err());
        assertEquals(2, r.err().lines().filter(l -> l.startsWith("optopt: warning: sgd(lr=1e6) seed")).count(), r.err());
        assertTrue(r.err().strip().endsWith("optopt: error: 2 of 4 runs failed (see the warnings above);"
                + " the table and plots show the others"), r.err());
        assertTrue(r.out().contains("every run failed (2)") && r.out().contains("adam(lr=0.01)"), r.out());
        Path dir = onlyRunDirectory(runs);
        assertTrue(Files.exists(dir.resolve("curves.png")));
        try (Stream<Path> s = Files.list(dir)) {
            List<String> failed = s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().contains("sgd"))
                    .map(d -> readStatus(d)).toList();
            for (String status : failed) {
                assertTrue(status.startsWith("failed: Gradient of parameter") && !status.contains("null"), status);
            }
        }
        Run allFail = MainTest.run("--backend", "reference", "compare", "--task", "rosenbrock", "--optimizers", "sgd(lr=1e6)",
                "--seeds", "1", "--steps", "20", "--runs-dir", runs.resolve("b").toString());
        assertEquals(1, allFail.exitCode());
        assertTrue(allFail.err().contains("Every run of the comparison failed"), allFail.err());
    }
}
