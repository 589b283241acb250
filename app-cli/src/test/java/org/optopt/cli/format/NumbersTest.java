package org.optopt.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class NumbersTest {
    @Test
    void compactNumbersReadBackAndAvoidJavasScientificNotation() {
        assertEquals("3e-4", Numbers.compact(3e-4));
        assertEquals("0.05", Numbers.compact(0.05));
        assertEquals("0.001", Numbers.compact(1e-3));
        assertEquals("1e6", Numbers.compact(1e6));
        assertEquals("20", Numbers.compact(20.0));
        assertEquals("-1.5e-5", Numbers.compact(-1.5e-5));
        assertEquals("0.9", Numbers.compact(0.9));
        assertEquals("0", Numbers.compact(0.0));
        assertEquals("123456.5", Numbers.compact(123456.5));
        assertEquals("nan", Numbers.compact(Double.NaN));
        for (double v : new double[] {3e-4, 1.5e-5, 0.1 + 0.2, 1e6, 12345678.9, 1e-300}) {
            assertEquals(v, Double.parseDouble(Numbers.compact(v)), 0, "reads back: " + Numbers.compact(v));
        }
    }

    @Test
    void significantDigitsRoundInTheSameNotation() {
        assertEquals("4.06e-4", Numbers.significant(4.0614e-4, 3));
        assertEquals("0.00844", Numbers.significant(0.0084413, 3));
        assertEquals("5.9e-5", Numbers.significant(5.94e-5, 2));
        assertEquals("0.0025", Numbers.significant(0.002499, 2));
        assertEquals("1", Numbers.significant(0.99996, 3));
        assertEquals("1.2e6", Numbers.significant(1234567, 2));
    }

    @Test
    void tablesAreAsWideAsTheirCells() {
        StringWriter out = new StringWriter();
        new Table(List.of("optimizer", "loss", "reached")).row(List.of("sgd(lr=0.05, momentum=0.9)", "4e-4", "3/3"))
                .row(List.of("adam", "every run failed (3)")).print(new PrintWriter(out, true));
        assertEquals(List.of("optimizer                   loss                  reached",
                "sgd(lr=0.05, momentum=0.9)  4e-4                  3/3",
                "adam                        every run failed (3)"), out.toString().lines().toList());
    }
}
