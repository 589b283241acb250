package org.optopt.backend.tornado.device;

import java.util.Arrays;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * The reductions on the device, one {@link FixedTask} per kind and shape, run through
 * {@link DevicePlans} like any device task: {@code reduce} along an axis and {@code argmax} (one
 * work-item per output element, in the host loop's order, so they give the host's floats and
 * indices), and the whole reductions {@code reduce} and {@code dot} (device partial sums, combined on
 * the host).
 *
 * <p><b>Along an axis</b> each work-item accumulates its output element over the axis in double in
 * {@code HeapBackend}'s order, starting from the host's {@code 0.0} for a sum (so a sum of
 * {@code -0} is {@code +0} as there) and from the first element for a maximum or minimum, and rounds
 * once to float: bit for bit the host's result, NaN, signed zeros and infinities included (the
 * maximum and minimum are written out in arithmetic as {@link Math#max(double, double)} and
 * {@link Math#min(double, double)} compute them, since the device's {@code fmax}/{@code fmin} differ
 * on NaN and signed zeros). The result tensor stays on the device.
 *
 * <p><b>Whole reductions</b> ({@code reduce(op, x)}, {@code dot}): work-item {@code g} of {@code P}
 * combines, in double, the elements {@code g, g + P, g + 2P, ...} (a stride, so that neighbouring
 * work-items read neighbouring memory on a GPU); {@code dot} multiplies in double as the host does.
 * {@code P} is the element count over {@value #CHUNK}, at most {@value #MAX_PARTIALS} and at least 1,
 * so only {@code 3P} floats come back instead of the operand: each partial is sent as a float
 * {@code hi} and the float {@code lo} of the rest ({@code hi + lo} keeps about 48 of the double's 53
 * bits), with a flag for a partial beyond {@code 2^100}, sent scaled by {@code 2^-200} so that a sum
 * (or a dot product) past the float range survives. The host adds the partials in double. The kernel language leaves a
 * reduction's order unspecified and the conformance kit accepts a whole reduction within
 * {@code 1e-9} relative of the sequential double sum; the regrouping and the 48-bit partials stay far
 * inside that (about {@code 2^-48} of the partials' magnitude). Maxima and minima of floats are exact
 * in any grouping. This needs double precision on the device (PoCL has it); a device without fp64
 * fails to compile these tasks, naming the task and the device.
 */
final class DeviceReductions {
    /** The fewest elements per partial of a whole reduction, and the most partials. */
    static final int CHUNK = 64;
    static final int MAX_PARTIALS = 4096;
    /** Operation codes of the device tasks. */
    private static final int SUM = 0;
    private static final int MAX = 1;
    private static final int MIN = 2;
    private static final int SQUARES = 3;
    /** A partial beyond {@code BIG} travels multiplied by {@code UNSCALE}, undone on the host. */
    private static final double BIG = 0x1p100;
    private static final double UNSCALE = 0x1p-200;
    private static final double SCALE = 0x1p200;

    private final TornadoBackend backend;
    private final FixedTask.Cache tasks;

    DeviceReductions(TornadoBackend backend) {
        this.backend = backend;
        this.tasks = new FixedTask.Cache(backend);
    }

    private record Whole(int op, int n) { }

    private record Dot(int n) { }

    private record Axis(int op, int outer, int len, int inner) { }

    private record Argmax(int rows, int last) { }

    /** {@code op} over the {@code n > 0} elements of {@code x}. Callers hold the backend's lock. */
    double reduce(ReduceOp op, Storage x, int n) {
        int code = code(op);
        int parts = partials(n);
        float[] t = tasks.run(new Whole(code, n), () -> new FixedTask(
                "Reduction " + op + " of " + n + " elements", 1, 0, 1, 3, 0,
                (graph, a, terms, u) -> graph.task("r", DeviceReductions::partials, (float[]) a[0], terms, code, n, parts)),
                new Storage[] {x}, parts, FixedTask.NO_UNIFORMS);
        return combine(op, t, parts);
    }

    /** The dot product of {@code n > 0} elements, {@code a} and {@code b} possibly one memory. Callers hold the backend's lock. */
    double dot(Storage a, Storage b, int n) {
        if (a == b) {
            int parts = partials(n);
            float[] t = tasks.run(new Whole(SQUARES, n), () -> new FixedTask(
                    "Sum of squares of " + n + " elements", 1, 0, 1, 3, 0,
                    (graph, x, terms, u) -> graph.task("r", DeviceReductions::partials, (float[]) x[0], terms, SQUARES, n, parts)),
                    new Storage[] {a}, parts, FixedTask.NO_UNIFORMS);
            return combine(ReduceOp.SUM, t, parts);
        }
        int parts = partials(n);
        float[] t = tasks.run(new Dot(n), () -> new FixedTask("Dot product of " + n + " elements", 2, 0, 3, 3, 0,
                (graph, x, terms, u) -> graph.task("d", DeviceReductions::dotPartials, (float[]) x[0], (float[]) x[1],
                        terms, n, parts)),
                new Storage[] {a, b}, parts, FixedTask.NO_UNIFORMS);
        return combine(ReduceOp.SUM, t, parts);
    }

    /**
     * {@code op} of {@code x}, a tensor of shape {@code shape} with elements, along axis {@code axis}
     * (in range, not negative), as a new tensor without that axis. Callers hold the backend's lock.
     */
    Tensor reduce(ReduceOp op, Storage x, Shape shape, int axis) {
        int[] dims = shape.dims();
        int len = dims[axis];
        int outer = Arrays.stream(dims, 0, axis).reduce(1, Math::multiplyExact);
        int inner = shape.size() / outer / len;
        int[] kept = new int[dims.length - 1];
        for (int k = 0, j = 0; k < dims.length; k++) {
            if (k != axis) {
                kept[j++] = dims[k];
            }
        }
        int code = code(op);
        Tensor out = backend.zeros(Shape.of(kept));
        tasks.run(new Axis(code, outer, len, inner), () -> new FixedTask(
                "Reduction " + op + " along an axis of [" + outer + " x " + len + " x " + inner + "]", 2, 2, 1, 0, 0,
                (graph, a, terms, u) -> graph.task("a", DeviceReductions::alongAxis, (float[]) a[0], (float[]) a[1],
                        code, outer, len, inner)),
                new Storage[] {x, backend.own(out, "reduce result").storage}, outer * inner, FixedTask.NO_UNIFORMS);
        return out;
    }

    /**
     * The index of the first maximum of each of {@code rows > 0} rows of {@code last > 0} elements
     * ({@code last <= 2^24}, so that an index is exact as a float term). Callers hold the backend's lock.
     */
    int[] argmax(Storage x, int rows, int last) {
        float[] t = tasks.run(new Argmax(rows, last), () -> new FixedTask(
                "Argmax of " + rows + " rows of " + last, 1, 0, 1, 1, 0,
                (graph, a, terms, u) -> graph.task("m", DeviceReductions::argmax, (float[]) a[0], terms, rows, last)),
                new Storage[] {x}, rows, FixedTask.NO_UNIFORMS);
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = (int) t[r];
        }
        return out;
    }

    /** Frees every task's device memory (the backend is closing). */
    void close() {
        tasks.close();
    }

    private static int code(ReduceOp op) {
        return switch (op) {
            case SUM, FLOAT_PARTIAL_SUM -> SUM;
            case MAX -> MAX;
            case MIN -> MIN;
        };
    }

    /** How many partials a whole reduction of {@code n > 0} elements computes. */
    static int partials(int n) {
        return Math.min(MAX_PARTIALS, (n + CHUNK - 1) / CHUNK);
    }

    /** The partials of {@code t} (hi, lo and scale flags, {@code parts} each) combined by {@code op} in double. */
    private static double combine(ReduceOp op, float[] t, int parts) {
        double acc = op.identity();
        for (int g = 0; g < parts; g++) {
            double partial = ((double) t[g] + t[parts + g]) * (t[2 * parts + g] != 0 ? SCALE : 1);
            acc = op.combine(acc, partial);
        }
        return acc;
    }

    // ---- the device tasks -----------------------------------------------------------------

    /** Partial {@code g} of {@code op} over {@code x[g], x[g + parts], ...} ({@code SQUARES}: the sum of their squares). */
    static void partials(float[] x, float[] t, int op, int n, int parts) {
        for (@Parallel int g = 0; g < parts; g++) {
            double acc = op == SUM || op == SQUARES ? 0.0 : x[g];
            for (int i = op == SUM || op == SQUARES ? g : g + parts; i < n; i += parts) {
                double v = x[i];
                acc = op == SQUARES ? acc + v * v : combine(op, acc, v);
            }
            split(acc, t, g, parts);
        }
    }

    /** Partial {@code g} of the dot product: {@code x[i] * y[i]} in double over {@code i = g, g + parts, ...}. */
    static void dotPartials(float[] x, float[] y, float[] t, int n, int parts) {
        for (@Parallel int g = 0; g < parts; g++) {
            double acc = 0.0;
            for (int i = g; i < n; i += parts) {
                acc += (double) x[i] * (double) y[i];
            }
            split(acc, t, g, parts);
        }
    }

    /**
     * Writes the double {@code acc} as partial {@code g}: {@code t[g]} its float, {@code t[parts + g]}
     * the float of the rest (0 where that is not finite), {@code t[2 parts + g]} 1 if both are
     * scaled by {@code 2^-200}: a partial beyond {@code 2^100}, possibly past the float range (a sum of
     * products of floats stays below {@code 2^287}, so the scaled value lies between {@code 2^-100} and
     * {@code 2^87}, a normal float).
     */
    private static void split(double acc, float[] t, int g, int parts) {
        boolean big = acc > BIG || acc < -BIG;
        double s = big ? acc * UNSCALE : acc;
        float hi = (float) s;
        double rest = s - hi;
        t[g] = hi;
        t[parts + g] = rest - rest == 0 ? (float) rest : 0f;
        t[2 * parts + g] = big ? 1f : 0f;
    }

    /** {@code out[o][i] = op} over {@code l} of {@code x[o][l][i]}, in double, in the host's order. */
    static void alongAxis(float[] x, float[] out, int op, int outer, int len, int inner) {
        for (@Parallel int o = 0; o < outer; o++) {
            for (@Parallel int i = 0; i < inner; i++) {
                int first = o * len * inner + i;
                double acc = op == SUM ? 0.0 : x[first];
                for (int l = op == SUM ? 0 : 1; l < len; l++) {
                    acc = combine(op, acc, x[first + l * inner]);
                }
                out[o * inner + i] = (float) acc;
            }
        }
    }

    /**
     * {@link ReduceOp#combine} in arithmetic: a sum, or {@link Math#max(double, double)} /
     * {@link Math#min(double, double)} (NaN if either is; {@code +0} above {@code -0}).
     */
    private static double combine(int op, double acc, double v) {
        if (op == SUM || acc != acc || v != v) {
            return acc + v;
        }
        if (acc == v) {
            return acc != 0 ? acc : op == MAX ? acc + v : -(-acc - v);
        }
        return (v > acc) == (op == MAX) ? v : acc;
    }

    /** {@code t[r]} the index of the first maximum of row {@code r} (NaN elements never win, as on the host). */
    static void argmax(float[] x, float[] t, int rows, int last) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * last;
            int best = 0;
            for (int j = 1; j < last; j++) {
                if (x[base + j] > x[base + best]) {
                    best = j;
                }
            }
            t[r] = best;
        }
    }
}
