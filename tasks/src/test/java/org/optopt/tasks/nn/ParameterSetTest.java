package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;

class ParameterSetTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void namesAreUniqueGradientsZeroAndCloseReleasesAll() {
        ParameterSet set = new ParameterSet(be);
        NamedParameter a = set.add("a", be.full(Shape.vector(3), 2f));
        set.add("b", be.zeros(Shape.matrix(2, 2)));
        assertEquals(7, set.size());
        assertEquals(java.util.List.of("a", "b"), set.list().stream().map(NamedParameter::name).toList());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> set.add("a", be.zeros(Shape.vector(1))));
        assertEquals("Duplicate parameter name 'a'", dup.getMessage());
        be.fillInPlace(a.grad(), 5f);
        set.zeroGrads();
        assertArrayEquals(new float[3], a.grad().toArray());
        Tensor value = a.value();
        set.close();
        assertTrue(value.isClosed() && a.grad().isClosed());
        assertThrows(IllegalArgumentException.class,
                () -> new NamedParameter("x", be.zeros(Shape.vector(2)), be.zeros(Shape.vector(3))));
    }
}
