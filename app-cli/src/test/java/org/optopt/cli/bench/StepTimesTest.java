package org.optopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StepTimesTest {
    @Test
    void bimodalStepsShowInTheMeanAndThe90thPercentileNotInTheMedian() {
        // 8 fast steps of 0.5 ms and 2 slow ones of 2 ms, shuffled: median 0.5, mean (4 + 4) / 10 = 0.8,
        // 90th percentile by nearest rank the 9th smallest = 2
        double[] ms = {0.5, 2, 0.5, 0.5, 0.5, 0.5, 2, 0.5, 0.5, 0.5};
        double[] copy = ms.clone();
        StepTimes t = StepTimes.of(ms);
        assertEquals(0.5, t.medianMillis());
        assertEquals(0.8, t.meanMillis(), 1e-12);
        assertEquals(2, t.p90Millis());
        assertArrayEquals(copy, ms, "the steps are not reordered");
    }

    @Test
    void smallCounts() {
        StepTimes one = StepTimes.of(new double[] {3});
        assertEquals(new StepTimes(3, 3, 3), one);
        // 1..20: median the 11th = 11, mean 10.5, 90th percentile the 18th = 18
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = 20 - i;
        }
        assertEquals(new StepTimes(11, 10.5, 18), StepTimes.of(twenty));
        assertThrows(IllegalArgumentException.class, () -> StepTimes.of(new double[0]));
    }
}
