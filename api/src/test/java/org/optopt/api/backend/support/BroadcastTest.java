package org.optopt.api.backend.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.optopt.api.tensor.Shape;

class BroadcastTest {

    @Test
    void aRowVectorRepeatsOverRows() {
        Broadcast b = Broadcast.of(Shape.matrix(2, 3), Shape.vector(3));
        assertEquals(Shape.matrix(2, 3), b.result());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, b.indexA());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, b.indexB());
    }

    @Test
    void aColumnRepeatsOverColumns() {
        Broadcast b = Broadcast.of(Shape.matrix(2, 3), Shape.matrix(2, 1));
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, b.indexB());
    }

    @Test
    void bothSidesMayRepeat() {
        Broadcast b = Broadcast.of(Shape.matrix(3, 1), Shape.matrix(1, 2));
        assertEquals(Shape.matrix(3, 2), b.result());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, b.indexA());
        assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1}, b.indexB());
    }

    @Test
    void aScalarRepeatsEverywhere() {
        Broadcast b = Broadcast.of(Shape.scalar(), Shape.of(2, 2));
        assertEquals(Shape.of(2, 2), b.result());
        assertArrayEquals(new int[] {0, 0, 0, 0}, b.indexA());
        assertArrayEquals(new int[] {0, 1, 2, 3}, b.indexB());
        Broadcast s = Broadcast.of(Shape.scalar(), Shape.scalar());
        assertEquals(Shape.scalar(), s.result());
        assertArrayEquals(new int[] {0}, s.indexA());
    }

    @Test
    void missingLeadingDimensionsAreOnes() {
        Broadcast b = Broadcast.of(Shape.of(2, 1, 2), Shape.matrix(3, 1));
        assertEquals(Shape.of(2, 3, 2), b.result());
        assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3}, b.indexA());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2}, b.indexB());
    }

    @Test
    void zeroDimensionsBroadcastAgainstOne() {
        Broadcast b = Broadcast.of(Shape.matrix(0, 3), Shape.matrix(1, 3));
        assertEquals(Shape.matrix(0, 3), b.result());
        assertArrayEquals(new int[0], b.indexA());
        assertEquals(Shape.matrix(4, 0), Broadcast.of(Shape.matrix(4, 1), Shape.vector(0)).result());
    }

    @Test
    void incompatibleDimensionsNameBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Broadcast.of(Shape.matrix(2, 3), Shape.vector(2)));
        assertEquals("Shapes [2, 3] and [2] cannot be broadcast: dimension 1 is 3 vs 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Broadcast.of(Shape.vector(0), Shape.vector(3)));
    }
}
