package org.optopt.api.backend.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optopt.api.tensor.Shape;

class HeapTensorTest {
    private final Object owner = new Object();

    @Test
    void wrapsItsArrayWithoutCopying() {
        float[] data = {1, 2, 3, 4};
        HeapTensor t = new HeapTensor(owner, Shape.matrix(2, 2), data);
        assertSame(data, t.data());
        data[0] = 9;
        assertArrayEquals(new float[] {9, 2, 3, 4}, t.toArray());
        assertEquals("HeapTensor[2, 2]", t.toString());
        assertEquals(4, t.size());
    }

    @Test
    void theArrayMustFitTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeapTensor(owner, Shape.matrix(2, 2), new float[3]));
        assertEquals("Data of 3 elements does not fit shape [2, 2] (4)", e.getMessage());
        HeapTensor t = new HeapTensor(owner, Shape.vector(2), new float[2]);
        assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[3]));
    }

    @Test
    void ofChecksOwnerAndLifetime() {
        HeapTensor t = new HeapTensor(owner, Shape.vector(2), new float[2]);
        assertSame(t, HeapTensor.of(owner, t, "x"));
        assertEquals("weights was not created by this backend",
                assertThrows(IllegalArgumentException.class, () -> HeapTensor.of(new Object(), t, "weights"))
                        .getMessage());
        assertThrows(NullPointerException.class, () -> HeapTensor.of(owner, null, "x"));
        t.close();
        t.close();
        assertTrue(t.isClosed());
        assertEquals("weights (shape [2]) is closed",
                assertThrows(IllegalStateException.class, () -> HeapTensor.of(owner, t, "weights")).getMessage());
        assertThrows(IllegalStateException.class, t::toArray);
        assertThrows(IllegalStateException.class, () -> t.copyFrom(new float[2]));
        assertEquals("HeapTensor[2] (closed)", t.toString());
    }
}
