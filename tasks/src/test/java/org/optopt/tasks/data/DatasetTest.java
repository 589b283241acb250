package org.optopt.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetTest {
    private final Dataset data = new Dataset(new float[] {0, 51, 255, 102}, 2, new int[] {1, 0}, 3);

    @Test
    void layoutAccessorsAndCounts() {
        assertEquals(2, data.rows());
        assertArrayEquals(new float[] {255, 102}, data.row(1));
        assertArrayEquals(new int[] {1, 1, 0}, data.classCounts());
        assertThrows(IndexOutOfBoundsException.class, () -> data.row(2));
    }

    @Test
    void scalingHelpers() {
        assertArrayEquals(new float[] {0, 0.2f, 1, 0.4f}, data.pixelsToUnitInterval().features());
        assertArrayEquals(new float[] {-0f, -102, -510, -204}, data.scaled(-2).features());
        assertThrows(IllegalArgumentException.class, () -> data.scaled(Float.NaN));
        Dataset notPixels = new Dataset(new float[] {256}, 1, new int[] {0}, 1);
        assertThrows(IllegalArgumentException.class, notPixels::pixelsToUnitInterval);
    }

    @Test
    void equalityComparesContents() {
        assertEquals(data, new Dataset(data.features().clone(), 2, data.labels().clone(), 3));
        assertEquals(data.hashCode(), new Dataset(data.features().clone(), 2, data.labels().clone(), 3).hashCode());
        assertNotEquals(data, data.scaled(2));
    }

    @Test
    void inconsistentLayoutsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[3], 2, new int[2], 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[2], 1, new int[] {0, 2}, 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[2], 0, new int[0], 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[2], 1, new int[] {0, 0}, 0));
    }
}
