package org.optopt.backend.tornado.device;

import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * The primitives that move elements without arithmetic, or add them in the host's order, on the
 * device, one {@link FixedTask} per kind and shape: {@code transpose}, {@code gatherRows} (into a
 * new or a given tensor), {@code scatterAddRows} and the broadcast of an operand to a larger shape
 * that a broadcasting {@code zip} needs. Copies give the host's bits; {@code scatterAddRows} runs
 * one work-item per column, each adding its column's rows in the order of the row indices, so that
 * repeated rows accumulate in the host loop's order and give its floats.
 *
 * <p>Row indices travel as the task's uniform floats (copied in at every run), exact because the
 * backend sends them here only for tables of at most {@value #MAX_EXACT} rows; the backend checks
 * them first, so a bad index fails with the host's message before anything is written. A broadcast
 * takes result shapes of rank at most 4 (its dimensions and strides are the task's constants).
 */
final class DeviceRearrangements {
    /** The most rows (or elements of an axis) whose indices a float holds exactly: {@code 2^24}. */
    static final int MAX_EXACT = 1 << 24;
    /** The highest rank {@link #broadcast} takes. */
    static final int MAX_RANK = 4;

    private final TornadoBackend backend;
    private final FixedTask.Cache tasks;

    DeviceRearrangements(TornadoBackend backend) {
        this.backend = backend;
        this.tasks = new FixedTask.Cache(backend);
    }

    private record Transpose(int rows, int cols) { }

    private record Gather(int count, int cols) { }

    private record Scatter(int count, int cols) { }

    private record Expand(int n, int d1, int d2, int d3, int s0, int s1, int s2, int s3) { }

    /** The transpose of the {@code rows x cols} matrix {@code x} (both positive), as a new tensor. Callers hold the backend's lock. */
    Tensor transpose(Storage x, int rows, int cols) {
        Tensor out = backend.zeros(Shape.matrix(cols, rows));
        tasks.run(new Transpose(rows, cols), () -> new FixedTask("Transpose [" + rows + " x " + cols + "]", 2, 2, 1, 0, 0,
                (graph, a, terms, u) -> graph.task("t", DeviceRearrangements::transpose, (float[]) a[0], (float[]) a[1],
                        rows, cols)),
                new Storage[] {x, storage(out)}, rows * cols, FixedTask.NO_UNIFORMS);
        return out;
    }

    /**
     * Copies rows {@code rows} (checked, at least one) of a table of {@code cols > 0} columns into
     * {@code out} (another memory). Callers hold the backend's lock.
     */
    void gatherRows(Storage table, int[] rows, int cols, Storage out) {
        int count = rows.length;
        tasks.run(new Gather(count, cols), () -> new FixedTask("Gather of " + count + " rows of " + cols, 2, 2, 1, 0, count,
                (graph, a, terms, u) -> graph.task("g", DeviceRearrangements::gather, (float[]) a[0], (float[]) a[1], u,
                        count, cols)),
                new Storage[] {table, out}, count * cols, indices(rows));
    }

    /**
     * Adds row {@code i} of {@code values} to row {@code rows[i]} (checked, at least one) of a table of
     * {@code cols > 0} columns, {@code values} another memory. Callers hold the backend's lock.
     */
    void scatterAddRows(Storage table, int[] rows, int cols, Storage values) {
        int count = rows.length;
        tasks.run(new Scatter(count, cols), () -> new FixedTask("Scatter-add of " + count + " rows of " + cols, 2, 1, 3, 0,
                count, (graph, a, terms, u) -> graph.task("s", DeviceRearrangements::scatterAdd, (float[]) a[0],
                        (float[]) a[1], u, count, cols)),
                new Storage[] {table, values}, cols, indices(rows));
    }

    /**
     * {@code x} of shape {@code from} broadcast (NumPy's rules) to {@code to}, a shape of rank at most
     * {@value #MAX_RANK} with elements, as a new tensor. Callers hold the backend's lock.
     */
    Tensor broadcast(Storage x, Shape from, Shape to) {
        int[] dims = new int[MAX_RANK];
        int[] strides = new int[MAX_RANK];
        int stride = 1;
        for (int k = MAX_RANK - 1; k >= 0; k--) {
            int at = k - (MAX_RANK - to.rank());
            int fromAt = k - (MAX_RANK - from.rank());
            dims[k] = at >= 0 ? to.dim(at) : 1;
            int d = fromAt >= 0 ? from.dim(fromAt) : 1;
            strides[k] = d == 1 ? 0 : stride;
            stride *= d;
        }
        Tensor out = backend.zeros(to);
        Expand e = new Expand(to.size(), dims[1], dims[2], dims[3], strides[0], strides[1], strides[2], strides[3]);
        tasks.run(e, () -> new FixedTask("Broadcast of " + from + " to " + to, 2, 2, 1, 0, 0,
                (graph, a, terms, u) -> graph.task("b", DeviceRearrangements::expand, (float[]) a[0], (float[]) a[1],
                        e.n(), e.d1(), e.d2(), e.d3(), e.s0(), e.s1(), e.s2(), e.s3())),
                new Storage[] {x, storage(out)}, to.size(), FixedTask.NO_UNIFORMS);
        return out;
    }

    /** Frees every task's device memory (the backend is closing). */
    void close() {
        tasks.close();
    }

    private Storage storage(Tensor t) {
        return backend.own(t, "result").storage;
    }

    /** The row indices as floats (exact below {@value #MAX_EXACT}). */
    private static float[] indices(int[] rows) {
        float[] u = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            u[i] = rows[i];
        }
        return u;
    }

    // ---- the device tasks -----------------------------------------------------------------

    /** {@code out[j][i] = x[i][j]}. */
    static void transpose(float[] x, float[] out, int rows, int cols) {
        for (@Parallel int i = 0; i < rows; i++) {
            for (@Parallel int j = 0; j < cols; j++) {
                out[j * rows + i] = x[i * cols + j];
            }
        }
    }

    /** {@code out[i][j] = table[rows[i]][j]}, the row indices in {@code u}. */
    static void gather(float[] table, float[] out, float[] u, int count, int cols) {
        for (@Parallel int i = 0; i < count; i++) {
            for (@Parallel int j = 0; j < cols; j++) {
                out[i * cols + j] = table[(int) u[i] * cols + j];
            }
        }
    }

    /** {@code table[rows[i]][j] += values[i][j]} for each column {@code j}, {@code i} in order. */
    static void scatterAdd(float[] table, float[] values, float[] u, int count, int cols) {
        for (@Parallel int j = 0; j < cols; j++) {
            for (int i = 0; i < count; i++) {
                int at = (int) u[i] * cols + j;
                table[at] = table[at] + values[i * cols + j];
            }
        }
    }

    /**
     * {@code out[i] = x[c0 s0 + c1 s1 + c2 s2 + c3 s3]} where {@code (c0, c1, c2, c3)} is element
     * {@code i}'s index in the result of dimensions {@code (n / (d1 d2 d3), d1, d2, d3)}, a stride 0
     * on a broadcast axis.
     */
    static void expand(float[] x, float[] out, int n, int d1, int d2, int d3, int s0, int s1, int s2, int s3) {
        for (@Parallel int i = 0; i < n; i++) {
            int c3 = i % d3;
            int rest = i / d3;
            int c2 = rest % d2;
            rest = rest / d2;
            int c1 = rest % d1;
            int c0 = rest / d1;
            out[i] = x[c0 * s0 + c1 * s1 + c2 * s2 + c3 * s3];
        }
    }
}
