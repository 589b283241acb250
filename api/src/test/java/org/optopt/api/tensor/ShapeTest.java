package org.optopt.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {

    @Test
    void sizeIsTheProductOfTheDimensions() {
        assertEquals(30, Shape.of(2, 3, 5).size());
        assertEquals(7, Shape.vector(7).size());
        assertEquals(12, Shape.matrix(3, 4).size());
        assertEquals(3, Shape.of(2, 3, 5).rank());
    }

    @Test
    void theScalarShapeHasRankZeroAndOneElement() {
        Shape s = Shape.scalar();
        assertEquals(0, s.rank());
        assertEquals(1, s.size());
        assertSame(s, Shape.of());
        assertEquals("[]", s.toString());
        assertArrayEquals(new int[0], s.dims());
    }

    @Test
    void aZeroDimensionMakesAnEmptyShape() {
        assertEquals(0, Shape.vector(0).size());
        assertEquals(0, Shape.of(3, 0, 5).size());
        assertEquals(3, Shape.of(3, 0, 5).rank());
    }

    @Test
    void dimensionsAreValidated() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
        assertTrue(negative.getMessage().contains("[2, -1]") && negative.getMessage().contains("dimension 1"),
                negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shape.vector(-3));
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> Shape.of(65536, 65536));
        assertTrue(huge.getMessage().contains("2^31-1"), huge.getMessage());
        assertEquals(Integer.MAX_VALUE, Shape.vector(Integer.MAX_VALUE).size());
        assertEquals(0, Shape.of(0, 65536, 65536).size(), "an empty shape may have large other dimensions");
    }

    @Test
    void dimCountsNegativeAxesFromTheEnd() {
        Shape s = Shape.of(2, 3, 5);
        assertEquals(2, s.dim(0));
        assertEquals(5, s.dim(2));
        assertEquals(5, s.dim(-1));
        assertEquals(2, s.dim(-3));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> s.dim(3));
        assertTrue(e.getMessage().contains("axis 3") && e.getMessage().contains("[2, 3, 5]"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> s.dim(-4));
        assertThrows(IndexOutOfBoundsException.class, () -> Shape.scalar().dim(0));
    }

    @Test
    void isImmutable() {
        int[] dims = {2, 3};
        Shape s = Shape.of(dims);
        dims[0] = 9;
        assertEquals(Shape.matrix(2, 3), s);
        s.dims()[1] = 9;
        assertEquals(Shape.matrix(2, 3), s);
    }

    @Test
    void equalityIsByDimensions() {
        assertEquals(Shape.of(2, 3), Shape.matrix(2, 3));
        assertEquals(Shape.of(2, 3).hashCode(), Shape.matrix(2, 3).hashCode());
        assertNotEquals(Shape.of(2, 3), Shape.of(3, 2));
        assertNotEquals(Shape.vector(1), Shape.scalar());
        assertNotEquals(Shape.of(6), Shape.of(2, 3));
        assertEquals("[2, 3]", Shape.matrix(2, 3).toString());
    }

    @Test
    void requireRankNamesTheArgument() {
        Shape.matrix(2, 3).requireRank(2, "weights");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.vector(4).requireRank(2, "weights"));
        assertEquals("weights must have rank 2 but has shape [4]", e.getMessage());
    }
}
