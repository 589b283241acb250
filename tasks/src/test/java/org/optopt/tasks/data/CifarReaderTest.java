package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 itself is not in the shared directory (see its README), so the batches are built here. */
class CifarReaderTest {
    @TempDir Path tmp;

    /** A batch of {@code labels.length} records; pixel {@code p} of record {@code r} is {@code (r * 7 + p) mod 256}. */
    static byte[] batch(int... labels) {
        byte[] out = new byte[labels.length * CifarReader.RECORD_BYTES];
        for (int r = 0; r < labels.length; r++) {
            int base = r * CifarReader.RECORD_BYTES;
            out[base] = (byte) labels[r];
            for (int p = 0; p < CifarReader.PIXELS; p++) {
                out[base + 1 + p] = (byte) (r * 7 + p);
            }
        }
        return out;
    }

    @Test
    void readsRecordsOfSeveralBatchesInOrder() throws IOException {
        Path first = Files.write(tmp.resolve("data_batch_1.bin"), batch(3, 9));
        Path second = Files.write(tmp.resolve("test_batch.bin"), batch(0));
        Dataset data = CifarReader.read(List.of(first, second));
        assertEquals(3, data.rows());
        assertEquals(3072, data.width());
        assertEquals(10, data.classes());
        assertArrayEquals(new int[] {3, 9, 0}, data.labels());
        float[] row1 = data.row(1);
        assertEquals(7f, row1[0]);
        assertEquals((7 + 1024) % 256, row1[1024], "first green pixel");
        assertEquals((7 + 3071) % 256, row1[3071]);
        assertEquals(0f, data.row(2)[0]);
    }

    @Test
    void wrongFileSizeNamesTheFileAndTheRecordSize() throws IOException {
        Path file = Files.write(tmp.resolve("data_batch_1.bin"), java.util.Arrays.copyOf(batch(1, 2), 2 * 3073 - 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CifarReader.read(List.of(file)));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("6145")
                && e.getMessage().contains("3073"), e.getMessage());
        Path empty = Files.createFile(tmp.resolve("empty.bin"));
        assertThrows(IllegalArgumentException.class, () -> CifarReader.read(List.of(empty)));
        assertThrows(IllegalArgumentException.class, () -> CifarReader.read(List.of()));
    }

    @Test
    void labelAboveNineIsRejectedWithTheRecordIndex() throws IOException {
        Path file = Files.write(tmp.resolve("bad_labels.bin"), batch(1, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CifarReader.read(List.of(file)));
        assertTrue(e.getMessage().contains("record 1 has label 10"), e.getMessage());
    }
}
