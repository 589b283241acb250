package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.tasks.training.Checkpoint;
import org.optopt.testsupport.IntegrationTest;

/**
 * A real {@code bin/optopt run} of a tower with probes attached (sampled in bursts), killed with
 * SIGKILL at a random moment, then resumed with {@code --resume}, ends bit-identical to an
 * uninterrupted run: {@code steps.csv} (the probes' statistics included) and
 * {@code evals.csv} in every column but {@code seconds}, {@code steps.jsonl} in every key but
 * {@code seconds}, the final parameters and optimizer state.
 */
@IntegrationTest
class ResumeIT {
    private static final Path ROOT = Path.of(System.getProperty("optopt.root", "..")).toAbsolutePath().normalize();
    private static final String[] RUN = {"run", "--task", "teacher-student-mlp", "--optimizer", "adam/sgd(1e-5)",
        "--steps", "20000", "--evaluations", "40", "--checkpoint-every", "300",
        "--probes", "second-moment,autocorrelation", "--probe-every", "50", "--probe-period", "10", "--probe-burst", "3"};

    private static Path only(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> dirs = s.toList();
            assertEquals(1, dirs.size(), dirs.toString());
            return dirs.get(0);
        }
    }

    /** The file without its second column (seconds). */
    private static List<String> withoutSeconds(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> l.replaceFirst("^([^,]*),[^,]*", "$1")).toList();
    }

    /** The JSONL file's lines without their {@code seconds} entry. */
    private static List<String> jsonWithoutSeconds(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> l.replaceFirst(", \"seconds\": [^,]*", "")).toList();
    }

    private static String[] with(String... more) {
        return Stream.concat(Stream.of(RUN), Stream.of(more)).toArray(String[]::new);
    }

    /**
     * Starts the run and SIGKILLs it at a random moment after its first checkpoint, at most
     * {@code maxDelayMillis} later; the run directory, or null if the run completed before the kill
     * (a quiet machine runs the whole budget in about a second).
     */
    private static Path killedRun(Path runs, Path log, long maxDelayMillis) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/optopt").toString()));
        command.addAll(List.of(with("--runs-dir", runs.toString())));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(runs) || Files.list(runs).findAny().isEmpty()
                || !Files.exists(Files.list(runs).findFirst().orElseThrow().resolve("checkpoint.bin"))) {
            assertTrue(p.isAlive(), () -> "the run ended before its first checkpoint: " + read(log));
            assertTrue(System.nanoTime() < deadline, "no checkpoint after 3 minutes");
            Thread.sleep(20);
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(0, maxDelayMillis));
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
        Path dir = only(runs);
        return Files.readString(dir.resolve("STATUS")).strip().equals("complete") ? null : dir;
    }

    @Test
    void aKilledRunResumesBitIdentically(@TempDir Path tmp) throws Exception {
        Path dir = null;
        long maxDelay = 2500;
        for (int attempt = 0; dir == null; attempt++, maxDelay = Math.max(1, maxDelay / 5)) {
            assertTrue(attempt < 6, "the run always completed before it was killed");
            dir = killedRun(tmp.resolve("killed-" + attempt), tmp.resolve("log-" + attempt), maxDelay);
        }
        assertEquals("running", Files.readString(dir.resolve("STATUS")).strip(), "killed before it completed");
        String steps = Files.readString(dir.resolve("steps.csv"));
        assertTrue(steps.isEmpty() || steps.endsWith("\n"), "a killed run's log ends in a whole row");
        long killedAt = steps.lines().count() - 1;

        LauncherIT.Result resumed = LauncherIT.optopt(Map.of(), "run", "--resume", dir.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals("complete", Files.readString(dir.resolve("STATUS")).strip());
        Path straightRuns = tmp.resolve("straight");
        LauncherIT.Result straight = LauncherIT.optopt(Map.of(), with("--runs-dir", straightRuns.toString()));
        assertEquals(0, straight.exitCode(), straight.err());
        Path reference = only(straightRuns);

        List<String> a = withoutSeconds(dir.resolve("steps.csv"));
        assertEquals(20001, a.size(), "killed after " + killedAt + " logged steps");
        assertTrue(a.get(0).contains(",probe.autocorrelation.R1,"), a.get(0));
        assertEquals(withoutSeconds(reference.resolve("steps.csv")), a, "steps.csv after a kill at ~" + killedAt);
        assertEquals(withoutSeconds(reference.resolve("evals.csv")), withoutSeconds(dir.resolve("evals.csv")));
        List<String> json = jsonWithoutSeconds(dir.resolve("steps.jsonl"));
        assertEquals(20000, json.size(), "steps.jsonl after a kill at ~" + killedAt);
        assertEquals(jsonWithoutSeconds(reference.resolve("steps.jsonl")), json, "steps.jsonl after a kill at ~" + killedAt);
        Checkpoint x = Checkpoint.read(dir.resolve("checkpoint.bin"));
        Checkpoint y = Checkpoint.read(reference.resolve("checkpoint.bin"));
        assertEquals(20000, x.step());
        assertEquals(y.parameters(), x.parameters());
        assertEquals(y.optimizer(), x.optimizer());
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
