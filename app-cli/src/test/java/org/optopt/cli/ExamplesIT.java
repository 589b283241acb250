package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.testsupport.IntegrationTest;

/**
 * The projects under {@code examples/} build as a user's would: as separate Maven projects against
 * this build's artifacts only, staged into a fresh local repository (as {@code ./mvnw install} would
 * put them; the shared {@code ~/.m2} is only read, for third-party jars and plugins), offline.
 */
@IntegrationTest
class ExamplesIT {
    private static final Path ROOT = Path.of(System.getProperty("optopt.root", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("optopt.version", "0.1.0-SNAPSHOT");
    private static final List<String> MODULES = List.of("api", "core-theory", "optimizers", "tasks", "backend-nd4j");

    @TempDir
    static Path work;
    private static Path repository;

    /** Copies this build's poms and jars into a local repository laid out as Maven's install would. */
    @BeforeAll
    static void stageArtifacts() throws IOException {
        repository = work.resolve("repository");
        stage(ROOT.resolve("pom.xml"), "optopt-parent", "pom");
        stage(ROOT.resolve("testkit/pom.xml"), "testkit", "pom");
        for (String module : MODULES) {
            stage(ROOT.resolve(module + "/pom.xml"), module, "pom");
            stage(ROOT.resolve(module + "/target/" + module + "-" + VERSION + ".jar"), module, "jar");
        }
        stage(ROOT.resolve("api/target/api-" + VERSION + "-tests.jar"), "api", "tests.jar");
    }

    private static void stage(Path file, String artifact, String suffix) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " is not built");
        Path dir = repository.resolve("org/optopt").resolve(artifact).resolve(VERSION);
        Files.createDirectories(dir);
        String name = artifact + "-" + VERSION + (suffix.equals("tests.jar") ? "-tests.jar" : "." + suffix);
        Files.copy(file, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Copies {@code examples/<name>} out of the checkout, as a user's own project would live. */
    private static Path project(String name) throws IOException {
        Path source = ROOT.resolve("examples").resolve(name);
        Path target = work.resolve(name);
        try (var files = Files.walk(source)) {
            for (Path file : files.filter(f -> !f.startsWith(source.resolve("target"))).toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    private record Result(int exitCode, String output) {}

    private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("MAVEN_OPTS", "-Xmx512m");
        Process process = builder.start();
        assertTrue(process.waitFor(8, TimeUnit.MINUTES), "timed out: " + command);
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The example project {@code library}, built once for its programs. */
    private static Path library;

    private static synchronized Path builtLibrary() throws IOException, InterruptedException {
        if (library == null) {
            Path project = project("library");
            Result build = maven(project, "package", "dependency:copy-dependencies");
            assertEquals(0, build.exitCode(), build.output());
            library = project;
        }
        return library;
    }

    /** Runs the library example's program {@code main} with {@code args}. */
    private static Result runExample(String main, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", "target/classes:target/dependency/*",
                "org.example.optopt." + main));
        command.addAll(List.of(args));
        return run(builtLibrary(), command);
    }

    private static Result maven(Path project, String... goals) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-o",
                "-Dmaven.repo.local=" + repository,
                "-Dmaven.repo.local.tail=" + System.getProperty("optopt.m2", System.getProperty("user.home") + "/.m2/repository"),
                "-Doptopt.version=" + VERSION,
                "-Djavacpp.platform.extension=" + System.getProperty("optopt.javacpp.extension", "")));
        command.addAll(List.of(goals));
        return run(project, command);
    }

    @Test
    void aThirdPartyBackendRunsTheWholeConformanceKitFromTheTestkitDependency() throws Exception {
        Path project = project("backend");
        Result build = maven(project, "verify");
        assertEquals(0, build.exitCode(), build.output());
        Matcher tests = Pattern.compile("Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: (\\d+), Time elapsed")
                .matcher(build.output());
        assertTrue(tests.find(), build.output());
        int run = Integer.parseInt(tests.group(1));
        assertTrue(run >= 170 && Integer.parseInt(tests.group(2)) < run / 2,
                "the kit's tests must run (not 'Tests run: 0'): " + tests.group());
        assertTrue(build.output().contains("in org.example.backend.ExactGemmBackendConformanceTest"), build.output());
    }

    @Test
    void theLibraryExampleBuildsAgainstTheArtifactsItNamesAndFitsItsProblem() throws Exception {
        Result run = runExample("LeastSquares");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("backend nd4j"), run.output());
        // Each fit lands on the weights that generated the data (an exact solution: y = A w*).
        Matcher fit = Pattern.compile("(?m)^(\\S+)\\s+loss (\\S+) -> (\\S+)  max\\|w-w\\*\\| (\\S+)  lr (\\S+)$")
                .matcher(run.output());
        List<String> fitted = new ArrayList<>();
        while (fit.find()) {
            fitted.add(fit.group(1));
            assertTrue(Double.parseDouble(fit.group(4)) < 1e-4 && Double.parseDouble(fit.group(3)) < 1e-8
                    * Double.parseDouble(fit.group(2)), fit.group());
            if (fit.group(1).contains("/")) {
                double learned = Double.parseDouble(fit.group(5));
                assertTrue(Math.abs(learned - 0.005) > 1e-3, "the tower learns Adam's lr from 0.005: " + fit.group());
            }
        }
        assertEquals(List.of("adam", "adam(0.005)/sgd(1e-3)"), fitted, run.output());
    }

    /**
     * The training-runner example trains a task through the library alone and leaves a complete
     * run directory whose evaluations are those it printed.
     */
    @Test
    void theTrainingRunnerExampleTrainsATaskAndWritesARunDirectory() throws Exception {
        Result run = runExample("TrainTask", "runs/example");
        assertEquals(0, run.exitCode(), run.output());
        Matcher eval = Pattern.compile("(?m)^step +(\\d+)  test loss (\\S+)$").matcher(run.output());
        List<Double> losses = new ArrayList<>();
        while (eval.find()) {
            losses.add(Double.parseDouble(eval.group(2)));
        }
        assertEquals(8, losses.size(), run.output());
        for (int i = 1; i < losses.size(); i++) {
            assertTrue(losses.get(i) < losses.get(i - 1), "Adam fits the teacher ever closer: " + losses);
        }
        assertTrue(losses.get(7) < losses.get(0) / 4, "Adam fits the teacher: " + losses);
        Path dir = builtLibrary().resolve("runs/example");
        assertEquals("complete", Files.readString(dir.resolve("STATUS")).strip());
        assertEquals(4001, Files.readAllLines(dir.resolve("steps.csv")).size());
        List<String> evals = Files.readAllLines(dir.resolve("evals.csv"));
        assertEquals(9, evals.size());
        for (int i = 0; i < 8; i++) {
            double logged = Double.parseDouble(evals.get(i + 1).split(",")[2]);
            assertEquals(logged, losses.get(i), 1e-3 * logged, evals.get(i + 1));
        }
        assertTrue(Files.isRegularFile(dir.resolve("checkpoint.bin")));
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"optimizer\": \"adam(lr=0.001)\""));
    }
}
