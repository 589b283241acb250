package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.testkit.TestData;
import org.optopt.backend.tornado.DeviceTransfers.Counts;

/**
 * {@code transpose}, {@code gatherRows}, {@code scatterAddRows} and broadcasting {@code zip} on the
 * device ({@code primitives=device}) give the reference backend's floats bit for bit on odd shapes
 * and special values (NaN, infinities, signed zeros), repeated rows included; bad indices keep the
 * host's one-line errors and write nothing. Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoRearrangementsTest extends DeviceUnderTest {
    private static final Backend REFERENCE = new ReferenceBackend();

    private static float[] special(int n, long seed) {
        return TestData.of(TestData.Domain.SPECIAL, n, seed, 0);
    }

    @Test
    void transposeEqualsTheHostOnOddShapes() {
        for (Shape shape : List.of(Shape.matrix(1, 1), Shape.matrix(1, 7), Shape.matrix(7, 1), Shape.matrix(33, 65))) {
            float[] x = special(shape.size(), shape.size());
            Tensor t = backend.transpose(backend.fromArray(x, shape));
            Tensor r = REFERENCE.transpose(REFERENCE.fromArray(x, shape));
            assertEquals(r.shape(), t.shape());
            assertArrayEquals(r.toArray(), t.toArray(), "transpose of " + shape);
        }
    }

    /**
     * Embedding rows gathered (into new and given tensors) from a table a device task wrote, and
     * their gradients scattered back, repeated rows accumulating.
     */
    @Test
    void gatherAndScatterAddEqualTheHostWithRepeatedRows() {
        Shape table = Shape.matrix(11, 13);
        float[] t = special(table.size(), 5);
        int[] rows = {3, 0, 10, 3, 3, 7, 0};
        Shape block = Shape.matrix(rows.length, 13);
        Tensor dt = backend.zeros(table);
        backend.copyInPlace(backend.fromArray(t, table), dt);
        Tensor rt = REFERENCE.fromArray(t, table);
        Counts before = counts();
        Tensor gathered = backend.gatherRows(dt, rows);
        assertEquals(1, counts().since(before).toDevice(), "the table goes to the gather's task");
        assertArrayEquals(REFERENCE.gatherRows(rt, rows).toArray(), gathered.toArray(), "gatherRows");
        Tensor out = backend.zeros(block);
        backend.gatherRowsInPlace(dt, rows, out);
        assertArrayEquals(REFERENCE.gatherRows(rt, rows).toArray(), out.toArray(), "gatherRowsInPlace");
        float[] v = TestData.normal(block.size(), 6);
        for (int step = 0; step < 3; step++) {
            backend.scatterAddRowsInPlace(dt, rows, backend.fromArray(v, block));
            REFERENCE.scatterAddRowsInPlace(rt, rows, REFERENCE.fromArray(v, block));
        }
        assertArrayEquals(rt.toArray(), dt.toArray(), "three scatterAddRows");
    }

    /** A batch of a table that only the host holds (a data set) is gathered there: the table is not copied in. */
    @Test
    void aBatchOfAHostTableIsGatheredOnTheHost() {
        Shape table = Shape.matrix(1000, 4);
        float[] t = TestData.normal(table.size(), 10);
        int[] rows = {5, 999, 5};
        Tensor data = backend.fromArray(t, table);
        Counts before = counts();
        Tensor batch = backend.gatherRows(data, rows);
        assertEquals(0, counts().since(before).toDevice());
        assertArrayEquals(REFERENCE.gatherRows(REFERENCE.fromArray(t, table), rows).toArray(), batch.toArray());
    }

    /** Three scatter-adds into one table: the table stays on the device, only the values and indices go in. */
    @Test
    void aScatteredTableStaysOnTheDevice() {
        Shape table = Shape.matrix(50, 8);
        int[] rows = {1, 49, 1};
        Tensor dt = backend.fromArray(TestData.normal(table.size(), 7), table);
        Tensor values = backend.fromArray(TestData.normal(rows.length * 8, 8), Shape.matrix(rows.length, 8));
        backend.scatterAddRowsInPlace(dt, rows, values);
        Counts before = counts();
        backend.scatterAddRowsInPlace(dt, rows, values);
        backend.scatterAddRowsInPlace(dt, rows, values);
        Counts runs = counts().since(before);
        assertEquals(2, runs.toDevice(), "the values alone");
        assertEquals(0, runs.toHost());
    }

    @Test
    void badRowIndicesKeepTheHostErrorsAndWriteNothing() {
        Tensor table = backend.fromArray(TestData.normal(12, 9), Shape.matrix(4, 3));
        float[] before = table.toArray();
        Tensor values = backend.zeros(Shape.matrix(2, 3));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> backend.scatterAddRowsInPlace(table, new int[] {0, 4}, values));
        assertEquals("row index 4 at position 1 is outside [0, 4)", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> backend.gatherRows(table, new int[] {-1}));
        assertEquals("row index -1 at position 0 is outside [0, 4)", e.getMessage());
        assertArrayEquals(before, table.toArray());
    }

    @Test
    void broadcastingZipEqualsTheHost() {
        List<Shape[]> pairs = List.of(
                new Shape[] {Shape.matrix(6, 5), Shape.matrix(6, 1)},
                new Shape[] {Shape.matrix(6, 5), Shape.vector(5)},
                new Shape[] {Shape.matrix(4, 1), Shape.matrix(1, 5)},
                new Shape[] {Shape.vector(1), Shape.of(2, 3, 4)},
                new Shape[] {Shape.of(2, 3, 4), Shape.matrix(3, 1)},
                new Shape[] {Shape.vector(7), Shape.matrix(1, 7)},
                new Shape[] {Shape.of(2, 1, 3, 1), Shape.of(1, 4, 1, 5)});
        for (Shape[] p : pairs) {
            float[] a = special(p[0].size(), 12);
            float[] b = special(p[1].size(), 13);
            for (BinaryOp op : List.of(BinaryOp.SUB, BinaryOp.MAX, BinaryOp.POW, BinaryOp.LE)) {
                Tensor r = REFERENCE.zip(op, REFERENCE.fromArray(a, p[0]), REFERENCE.fromArray(b, p[1]));
                Tensor d = backend.zip(op, backend.fromArray(a, p[0]), backend.fromArray(b, p[1]));
                String what = op + " of " + p[0] + " and " + p[1];
                assertEquals(r.shape(), d.shape(), what);
                assertArrayEquals(r.toArray(), d.toArray(), what);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.zip(BinaryOp.ADD, backend.zeros(Shape.matrix(2, 3)), backend.zeros(Shape.vector(2))));
        assertTrue(e.getMessage().contains("cannot be broadcast"), e.getMessage());
    }

    private static Counts counts() {
        return ((DeviceTransfers) backend).transfers();
    }
}
