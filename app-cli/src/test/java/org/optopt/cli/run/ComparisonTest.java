package org.optopt.cli.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
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

    @Test
    void optimizerSpecsParseNamesAndSettings() {
        assertEquals(Map.of("lr", 0.1, "nesterov", true), OptimizerSpec.parse("sgd(0.1, nesterov)").settings());
        assertTrue(OptimizerSpec.parse("adam/sgd(1e-5)").tower());
        OptimizerSpec s = OptimizerSpec.parse("sgd(lr=0.1, momentum=0.9,nesterov=true)");
        assertEquals("sgd", s.name());
        assertEquals(Map.of("lr", 0.1, "momentum", 0.9, "nesterov", true), s.settings());
        assertEquals("sgd(lr=0.1, momentum=0.9, nesterov=true)", s.toString());
        assertEquals("lion(lr=3e-4)", OptimizerSpec.parse("lion(lr=3.0E-4)").toString());
        assertEquals("adam", OptimizerSpec.parse(" adam ").toString());
        assertEquals("tanh", OptimizerSpec.parseSettings(List.of("surrogate=tanh")).get("surrogate"));
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("sgd(lr=0.1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerSpec.parseSettings(List.of("lr")));
        assertEquals("--set needs NAME=VALUE, got 'lr'", e.getMessage());
    }

    @Test
    void listValuesParseFromSetAndFromTheParenthesizedForm() {
        assertEquals(Map.of("momenta", List.of(0.5, 0.9, 0.99)),
                OptimizerSpec.parseSettings(List.of("momenta=0.5,0.9,0.99")));
        assertEquals(Map.of("momenta", List.of(0.5, 0.9)), OptimizerSpec.parseSettings(List.of("momenta=[0.5, 0.9]")));
        OptimizerSpec s = OptimizerSpec.parse("gap-sgdm(0.02, momenta=[0.0,0.9], mode=switch-per-tensor)");
        assertEquals("gap-sgdm", s.name());
        assertEquals(Map.of("lr", 0.02, "momenta", List.of(0.0, 0.9), "mode", "switch-per-tensor"), s.settings());
        assertEquals("A list value must be numbers separated by commas, got '0.5,x'", assertThrows(
                IllegalArgumentException.class, () -> OptimizerSpec.parseSettings(List.of("momenta=0.5,x"))).getMessage());
    }
}
