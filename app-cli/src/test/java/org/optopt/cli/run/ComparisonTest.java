package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ComparisonTest {
    @Test
    void meanAndSampleStandardDeviationIgnoreNonFiniteValues() {
        assertArrayEquals(new double[] {2, 1}, Comparison.meanStd(new double[] {1, 2, 3, Double.NaN}), 1e-12);
        assertArrayEquals(new double[] {5, 0}, Comparison.meanStd(new double[] {5}), 0);
        assertEquals(Double.NaN, Comparison.meanStd(new double[] {Double.NaN})[0]);
    }

    @Test
    void oneSeedPrintsItsValueAndSeveralTheirSpread() {
        java.util.function.DoubleFunction<String> three = v -> org.optopt.cli.format.Numbers.significant(v, 3);
        assertEquals("4.06e-4", Comparison.meanStd(new double[] {4.0614e-4}, three, three));
        // mean 2e-3, sample standard deviation 1e-3
        assertEquals("0.002 +- 0.001", Comparison.meanStd(new double[] {1e-3, 2e-3, 3e-3}, three, three));
    }
}
