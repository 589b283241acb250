package org.optopt.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;

class ParameterStoreTest {
    private final Backend be = new ReferenceBackend();

    @Test
    void namesAreUniqueGradientsZeroAndCloseReleasesAll() {
        ParameterStore store = new ParameterStore(be);
        Parameter a = store.add("a", be.full(Shape.vector(3), 2f));
        store.add("b", be.zeros(Shape.matrix(2, 2)));
        assertEquals(7, store.size());
        assertEquals(java.util.List.of("a", "b"), store.list().stream().map(Parameter::name).toList());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> store.add("a", be.zeros(Shape.vector(1))));
        assertEquals("Duplicate parameter name 'a'", dup.getMessage());
        be.fillInPlace(a.gradient(), 5f);
        store.zeroGrads();
        assertArrayEquals(new float[3], a.gradient().toArray());
        Tensor value = a.value();
        store.close();
        assertTrue(value.isClosed() && a.gradient().isClosed());
    }

    @Test
    void optimizersSeeOneDefaultGroupInCreationOrder() {
        try (ParameterStore store = new ParameterStore(be)) {
            store.add("w", be.zeros(Shape.vector(2)));
            store.add("b", be.zeros(Shape.vector(1)));
            org.optopt.api.optim.ParameterSet set = store.asParameterSet();
            assertEquals(1, set.groups().size());
            assertEquals(java.util.List.of("w", "b"), set.parameters().stream().map(Parameter::name).toList());
            store.add("c", be.zeros(Shape.vector(1)));
            assertEquals(3, store.asParameterSet().parameters().size(), "a later parameter is included");
        }
    }
}
