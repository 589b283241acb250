package org.optopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.cli.study.StudyCommandTest;
import org.optopt.testsupport.IntegrationTest;

/**
 * {@code optopt study run --jobs 2} through {@code bin/optopt}: two worker processes share a study of
 * six trials, and every trial is trained exactly once (by the trial lines of the workers' logs) and
 * complete, while the command shows the study's progress.
 */
@IntegrationTest
class StudyJobsIT {
    private static final Pattern TRIAL = Pattern.compile("^trial (\\d+): ", Pattern.MULTILINE);

    @Test
    void twoWorkersRunEveryTrialOnce(@TempDir Path dir) throws Exception {
        Path f = StudyCommandTest.writeStudy(dir);
        LauncherIT.Result r = LauncherIT.optopt(Map.of(), "study", "run", f.toString(),
                "--jobs", "2");
        assertEquals(0, r.exitCode(), r.err());
        Path out = dir.resolve("out");
        List<Integer> trained = new ArrayList<>();
        for (int w = 1; w <= 2; w++) {
            Matcher m = TRIAL.matcher(Files.readString(out.resolve("workers/worker-" + w + ".log")));
            while (m.find()) {
                trained.add(Integer.parseInt(m.group(1)));
            }
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), trained.stream().sorted().toList(), "each trial trained once");
        try (Stream<Path> trials = Files.list(out.resolve("trials"))) {
            List<Path> runs = trials.filter(Files::isDirectory).toList();
            assertEquals(6, runs.size());
            for (Path run : runs) {
                assertEquals("complete", Files.readString(run.resolve("STATUS")).strip(), run.toString());
                assertEquals(31, Files.readAllLines(run.resolve("steps.csv")).size(), run.toString());
            }
        }
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("study small [") && l.contains(" 6/6  6 done, 0 running,"
                + " 0 failed, 0 pending  done in ")), r.err());
        assertTrue(r.out().contains("6 trials: 0 pending, 0 running, 6 done, 0 failed, 0 interrupted"), r.out());
    }
}
