package org.optopt.api.backend.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

class GemmShapeTest {
    private final Object owner = new Object();

    private Tensor t(int... dims) {
        Shape s = Shape.of(dims);
        return new HeapTensor(owner, s, new float[s.size()]);
    }

    @Test
    void readsTheDimensionsOfEveryTransposeCombination() {
        assertEquals(new GemmShape(2, 4, 3), GemmShape.of(t(2, 3), false, t(3, 4), false, t(2, 4)));
        assertEquals(new GemmShape(2, 4, 3), GemmShape.of(t(3, 2), true, t(3, 4), false, t(2, 4)));
        assertEquals(new GemmShape(2, 4, 3), GemmShape.of(t(2, 3), false, t(4, 3), true, t(2, 4)));
        assertEquals(new GemmShape(2, 4, 3), GemmShape.of(t(3, 2), true, t(4, 3), true, t(2, 4)));
        assertEquals(new GemmShape(0, 4, 0), GemmShape.of(t(0, 0), false, t(0, 4), false, t(0, 4)));
    }

    @Test
    void rejectsShapesThatDoNotConform() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GemmShape.of(t(2, 3), true, t(3, 4), false, t(2, 4)));
        assertEquals("gemm: shapes do not conform: A[2, 3]^T x B[3, 4] -> C[2, 4]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GemmShape.of(t(2, 3), false, t(3, 4), false, t(4, 2)));
        assertEquals("gemm B must have rank 2 but has shape [3]", assertThrows(IllegalArgumentException.class,
                () -> GemmShape.of(t(2, 3), false, t(3), false, t(2, 1))).getMessage());
    }
}
