package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReductionsTest {

    @Test
    void pairsNamesWithValuesInOrder() {
        double[] values = {1.5, -2};
        Reductions r = new Reductions(List.of("a", "b"), values);
        values[0] = 99;
        assertEquals(1.5, r.get("a"), "the values are copied");
        assertEquals(-2, r.get(1));
        assertEquals(2, r.size());
        assertEquals(List.of("a", "b"), List.copyOf(r.asMap().keySet()));
        assertEquals(Map.of("a", 1.5, "b", -2.0), r.asMap());
    }

    @Test
    void namesTheMissingReduction() {
        Reductions r = new Reductions(List.of("a"), new double[] {1});
        assertEquals("No reduction named 'x'; the kernel has [a]",
                assertThrows(IllegalArgumentException.class, () -> r.get("x")).getMessage());
        assertEquals("2 reduction names but 1 values", assertThrows(IllegalArgumentException.class,
                () -> new Reductions(List.of("a", "b"), new double[1])).getMessage());
    }

    @Test
    void reduceOpsHaveIdentitiesAndPropagateNaN() {
        assertEquals(0.0, ReduceOp.SUM.identity());
        assertEquals(Double.NEGATIVE_INFINITY, ReduceOp.MAX.identity());
        assertEquals(Double.POSITIVE_INFINITY, ReduceOp.MIN.identity());
        assertEquals(5.0, ReduceOp.SUM.combine(2, 3));
        assertEquals(3.0, ReduceOp.MAX.combine(2, 3));
        assertEquals(2.0, ReduceOp.MIN.combine(2, 3));
        for (ReduceOp op : ReduceOp.values()) {
            assertEquals(Double.NaN, op.combine(op.identity(), Double.NaN), op + " with a NaN value");
            assertEquals(Double.NaN, op.combine(Double.NaN, 1), op + " after a NaN");
        }
    }
}
