package org.optopt.tasks.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;

/** Checkpoint files round-trip exactly; any changed or missing byte is refused by the checksum. */
class CheckpointTest {
    private static Checkpoint sample() {
        StateDict state = new StateDict("adam", List.of(new StateDict.ParameterShape("w", Shape.of(2))), 7, 0,
                Map.of("k", "v"), Map.of("hyper/default/lr", 1e-3),
                List.of(new StateDict.StateTensor("w", "m", Shape.of(2), new float[] {0.5f, -0.25f})));
        return new Checkpoint(7, 1.5e9, -1, Double.NaN, 120, 40, 3,
                List.of(new Checkpoint.ParameterValues("w", Shape.of(2), new float[] {1f, Float.MIN_VALUE})), state);
    }

    @Test
    void roundTripsExactly(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("checkpoint.bin");
        sample().write(f);
        Checkpoint back = Checkpoint.read(f);
        assertEquals(sample().parameters(), back.parameters());
        assertEquals(sample().optimizer(), back.optimizer());
        assertEquals(7, back.step());
        assertEquals(120, back.stepsLogLength());
        assertEquals(3, back.threads());
        assertTrue(Double.isNaN(back.secondsToTarget()));
        assertEquals(List.of("checkpoint.bin"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
    }

    /** A file of version 1, written before thread counts: the bytes of version 2 without the count. */
    @Test
    void aVersionOneFileIsARunOnOneThread(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("checkpoint.bin");
        sample().write(f);
        byte[] v2 = Files.readAllBytes(f);
        int threadsAt = 8 + 4 + 6 * 8; // magic, version, step .. evaluations-log length
        java.io.ByteArrayOutputStream v1 = new java.io.ByteArrayOutputStream();
        v1.write(v2, 0, 8);
        v1.write(new byte[] {0, 0, 0, 1});
        v1.write(v2, 12, threadsAt - 12);
        v1.write(v2, threadsAt + 4, v2.length - 32 - threadsAt - 4);
        v1.write(java.security.MessageDigest.getInstance("SHA-256").digest(v1.toByteArray()));
        Files.write(f, v1.toByteArray());
        Checkpoint back = Checkpoint.read(f);
        assertEquals(1, back.threads());
        assertEquals(sample().parameters(), back.parameters());
        assertEquals(sample().optimizer(), back.optimizer());
    }

    @Test
    void aFlippedBitOrATruncationIsRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("checkpoint.bin");
        sample().write(f);
        byte[] bytes = Files.readAllBytes(f);
        for (int at : new int[] {12, bytes.length / 2, bytes.length - 1}) {
            byte[] bad = bytes.clone();
            bad[at] ^= 4;
            Files.write(f, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f));
            assertTrue(e.getMessage().contains("corrupt (checksum mismatch)"), e.getMessage());
        }
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 9));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f));
        Files.writeString(f, "hello");
        assertEquals(f + " is not an optopt checkpoint",
                assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f)).getMessage());
    }

    @Test
    void aRowLogWritesWholeRowsAndResumesAtARecordedLength(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("log.csv");
        long kept;
        try (RowLog log = RowLog.create(f)) {
            log.append("a,b");
            log.append("1,2");
            assertEquals(0, Files.size(f), "rows wait in memory until a flush");
            kept = log.flush();
            log.append("3,4");
        }
        assertEquals("a,b\n1,2\n3,4\n", Files.readString(f));
        try (RowLog log = RowLog.resume(f, kept)) {
            log.append("5,6");
        }
        assertEquals("a,b\n1,2\n5,6\n", Files.readString(f));
        assertThrows(IllegalStateException.class, () -> RowLog.resume(f, 1000));
    }
}
