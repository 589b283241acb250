package org.optopt.tasks.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MiniBatchSamplerTest {
    @Test
    void everyEpochIsAPermutation() {
        MiniBatchSampler s = new MiniBatchSampler(10, 4, false, 7);
        assertEquals(3, s.batchesPerEpoch());
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] seen = new int[10];
            int[] sizes = new int[3];
            for (int b = 0; b < 3; b++) {
                int[] batch = s.next();
                sizes[b] = batch.length;
                for (int i : batch) {
                    seen[i]++;
                }
            }
            assertArrayEquals(new int[] {4, 4, 2}, sizes);
            int[] once = new int[10];
            Arrays.fill(once, 1);
            assertArrayEquals(once, seen);
        }
    }

    @Test
    void dropLastSkipsThePartialBatchAndSeedsReproduce() {
        MiniBatchSampler a = new MiniBatchSampler(10, 4, true, 3);
        MiniBatchSampler b = new MiniBatchSampler(10, 4, true, 3);
        assertEquals(2, a.batchesPerEpoch());
        for (int i = 0; i < 6; i++) {
            int[] x = a.next();
            assertEquals(4, x.length);
            assertArrayEquals(x, b.next());
        }
        assertThrows(IllegalArgumentException.class, () -> new MiniBatchSampler(3, 4, true, 0));
    }
}
