package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.tasks.training.StepRecord;

class ProgressBarTest {
    /** Feeds {@code steps} steps, the clock advancing {@code nanosPerStep} each, and returns the lines printed. */
    private static List<String> lines(long steps, long nanosPerStep) {
        StringWriter out = new StringWriter();
        long[] now = {0};
        ProgressBar bar = new ProgressBar(new PrintWriter(out, true), "task opt seed 0", false, () -> now[0],
                ProgressBar.LOG_INTERVAL_NANOS);
        for (long t = 1; t <= steps; t++) {
            now[0] += nanosPerStep;
            bar.onStep(new StepRecord(t, now[0] / 1e9, 0.5, Map.of()), steps);
        }
        return out.toString().lines().toList();
    }

    @Test
    void withoutATerminalAShortRunPrintsOneLineAtItsEnd() {
        List<String> lines = lines(2560, 1_000_000); // 2.56 s
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("2560/2560") && lines.get(0).contains("done in 2.6s"), lines.get(0));
    }

    @Test
    void withoutATerminalALongRunPrintsEveryFifteenSeconds() {
        List<String> lines = lines(100_000, 10_000_000); // 1000 s: a line at 15, 30, ..., 990 s and the end
        assertEquals(1000 / 15 + 1, lines.size());
        assertTrue(lines.get(0).contains(" 1500/100000 ") && lines.get(0).contains("ETA 16m25s"), lines.get(0));
        assertTrue(lines.get(lines.size() - 1).contains("done in 16m40s"), lines.get(lines.size() - 1));
    }

    @Test
    void aCountsTimeLeftComesFromWhatWasDoneSinceItsFirstLine() {
        StringWriter out = new StringWriter();
        long[] now = {0};
        ProgressBar bar = new ProgressBar(new PrintWriter(out, true), "study s", false, () -> now[0], 0);
        bar.show(2, 10, "2 done"); // two trials finished by an earlier run: no rate yet
        now[0] = 60_000_000_000L;
        bar.show(4, 10, "4 done"); // 2 trials a minute: 6 left take 3 minutes
        now[0] = 90_000_000_000L;
        bar.show(10, 10, "10 done");
        assertEquals(List.of("study s [####....................] 2/10  2 done  ETA ?",
                "study s [#########...............] 4/10  4 done  ETA 3m00s",
                "study s [########################] 10/10  10 done  done in 1m30s"), out.toString().lines().toList());
    }
}
