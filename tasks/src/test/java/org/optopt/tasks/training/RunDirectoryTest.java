package org.optopt.tasks.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @Test
    void aDiscardedRunLeavesNoDirectoryButKeepsWhatExistedBefore(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("runs/compare/run");
        try (RunDirectory run = RunDirectory.create(dir, Map.of("task", "t"))) {
            assertTrue(Files.isRegularFile(dir.resolve("STATUS")));
            run.discard();
        }
        assertFalse(Files.exists(tmp.resolve("runs")), "the runs and comparison directories it made are gone");
        assertTrue(Files.isDirectory(tmp), "what existed before stays");
        Path other = Files.createDirectories(tmp.resolve("runs/compare/other"));
        try (RunDirectory run = RunDirectory.create(dir, Map.of("task", "t"))) {
            run.discard();
        }
        assertFalse(Files.exists(dir));
        assertTrue(Files.isDirectory(other));
    }

    @Test
    void aFailedRunKeepsItsWholeErrorOnOneLine(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("run");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("task", "t");
        config.put("hyperparameters", Map.of("lr", 0.1));
        config.put("loss", Double.NaN);
        try (RunDirectory run = RunDirectory.create(dir, config)) {
            run.onStep(new StepRecord(1, 0.01, 2.5, Map.of("lr", 0.1)), 10);
            assertEquals("running", Files.readString(dir.resolve("STATUS")).strip());
            assertEquals("{\"task\": \"t\", \"hyperparameters\": {\"lr\": 0.1}, \"loss\": null}",
                    Files.readString(dir.resolve("config.json")).strip(), "nested, in order, non-finite as null");
            run.fail("Download of a9a failed. Tried:\n- https://a: timeout\n- https://b: 404\n");
        }
        assertEquals("failed: Download of a9a failed. Tried: https://a: timeout; https://b: 404",
                Files.readString(dir.resolve("STATUS")).strip());
        assertEquals(2, Files.readAllLines(dir.resolve("steps.csv")).size());
    }

    @Test
    void stepsJsonlHoldsTheCsvValuesAndIsCutWithItOnResume(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("run");
        long[] atCheckpoint;
        try (RunDirectory run = RunDirectory.create(dir, Map.of("task", "t"))) {
            Map<String, Double> h = new LinkedHashMap<>();
            h.put("lr", 0.1);
            h.put("L1.lr", 1.0 / 3);
            run.onStep(new StepRecord(1, 0.5, 2.5, h), 3);
            atCheckpoint = run.flushLogs();
            run.onStep(new StepRecord(2, 0.75, Double.NaN, Map.of("lr", 0.2)), 3);
        }
        assertEquals(List.of("step,seconds,loss,lr,L1.lr", "1,0.500000000,2.50000000,0.100000000,0.333333333",
                "2,0.750000000,NaN,0.200000000,"), Files.readAllLines(dir.resolve("steps.csv")));
        assertEquals(List.of("{\"step\": 1, \"seconds\": 0.5, \"loss\": 2.5, \"lr\": 0.1, \"L1.lr\": 0.3333333333333333}",
                "{\"step\": 2, \"seconds\": 0.75, \"loss\": null, \"lr\": 0.2, \"L1.lr\": null}"),
                Files.readAllLines(dir.resolve("steps.jsonl")));
        try (RunDirectory run = RunDirectory.resume(dir, atCheckpoint[0], atCheckpoint[1])) {
            run.onStep(new StepRecord(2, 0.8, 1.5, Map.of("lr", 0.2, "L1.lr", 0.5)), 3);
        }
        assertEquals(List.of("{\"step\": 1, \"seconds\": 0.5, \"loss\": 2.5, \"lr\": 0.1, \"L1.lr\": 0.3333333333333333}",
                "{\"step\": 2, \"seconds\": 0.8, \"loss\": 1.5, \"lr\": 0.2, \"L1.lr\": 0.5}"),
                Files.readAllLines(dir.resolve("steps.jsonl")), "the row after the checkpoint is replaced, not kept");
        assertEquals(3, Files.readAllLines(dir.resolve("steps.csv")).size());
    }
}
