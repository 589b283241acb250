package org.optopt.api.backend.support;

import java.util.SplittableRandom;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BatchedGemmShape;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.ImageTiles;
import org.optopt.api.backend.ImageWindow;
import org.optopt.api.backend.TileTransforms;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelMath;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A complete {@link Backend} over {@link HeapTensor}s in plain Java, for backend authors to extend:
 * override what your engine does faster (typically {@link #gemmInPlace} and {@link #compile}).
 * Every primitive here is the straightforward loop and doubles as a readable specification.
 */
public abstract class HeapBackend implements Backend {

    /** The heap array of {@code t}, checked to be an open tensor of this backend. */
    protected final float[] data(Tensor t, String what) {
        return HeapTensor.of(this, t, what).data();
    }

    /** Wraps an array as a tensor of this backend. */
    protected final Tensor wrap(float[] data, Shape shape) {
        return new HeapTensor(this, shape, data);
    }

    @Override
    public Tensor zeros(Shape shape) {
        return wrap(new float[shape.size()], shape);
    }

    @Override
    public Tensor full(Shape shape, float value) {
        float[] d = new float[shape.size()];
        java.util.Arrays.fill(d, value);
        return wrap(d, shape);
    }

    @Override
    public Tensor fromArray(float[] data, Shape shape) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException(
                    "fromArray: " + data.length + " values do not fit shape " + shape + " (" + shape.size() + ")");
        }
        return wrap(data.clone(), shape);
    }

    @Override
    public Tensor copy(Tensor x) {
        return wrap(data(x, "copy source").clone(), x.shape());
    }

    @Override
    public Tensor reshape(Tensor x, Shape shape) {
        float[] d = data(x, "reshape source");
        if (shape.size() != d.length) {
            throw new IllegalArgumentException("Cannot reshape " + x.shape() + " to " + shape + ": sizes differ");
        }
        return wrap(d, shape);
    }

    @Override
    public Tensor randomNormal(Shape shape, double mean, double std, long seed) {
        requireFinite(mean, "mean");
        requireFinite(std, "std");
        if (std < 0) {
            throw new IllegalArgumentException("randomNormal: std must not be negative but is " + std);
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (mean + std * r.nextGaussian());
        }
        return wrap(d, shape);
    }

    @Override
    public Tensor randomUniform(Shape shape, double low, double high, long seed) {
        requireFinite(low, "low");
        requireFinite(high, "high");
        if (!(low < high)) {
            throw new IllegalArgumentException("randomUniform: low " + low + " must be below high " + high);
        }
        // A double sample just below high may round up to it as a float: keep the interval half-open.
        float below = (float) high < high ? (float) high : Math.nextDown((float) high);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.min((float) (low + (high - low) * r.nextDouble()), below);
        }
        return wrap(d, shape);
    }

    private static void requireFinite(double v, String what) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite but is " + v);
        }
    }

    @Override
    public Tensor map(UnaryOp op, Tensor x) {
        float[] a = data(x, "map operand");
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = KernelMath.apply(op, a[i]);
        }
        return wrap(out, x.shape());
    }

    @Override
    public Tensor zip(BinaryOp op, Tensor a, Tensor b) {
        float[] x = data(a, "left operand");
        float[] y = data(b, "right operand");
        if (a.shape().equals(b.shape())) {
            float[] out = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = KernelMath.apply(op, x[i], y[i]);
            }
            return wrap(out, a.shape());
        }
        if (isColumnOf(b.shape(), a.shape())) {
            return wrap(zipColumn(op, x, y, a.shape().dim(1)), a.shape());
        }
        Broadcast bc = Broadcast.of(a.shape(), b.shape());
        int[] ia = bc.indexA();
        int[] ib = bc.indexB();
        float[] out = new float[ia.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = KernelMath.apply(op, x[ia[i]], y[ib[i]]);
        }
        return wrap(out, bc.result());
    }

    /** Whether {@code column} is {@code [rows, 1]} beside a matrix {@code [rows, cols]} (a per-row operand). */
    private static boolean isColumnOf(Shape column, Shape matrix) {
        return matrix.rank() == 2 && column.rank() == 2 && column.dim(0) == matrix.dim(0) && column.dim(1) == 1;
    }

    /**
     * {@code op(x[r][j], y[r])} for a matrix of {@code cols} columns and one value per row: the
     * broadcast that row-wise softmax and losses use, without {@link Broadcast}'s index maps.
     */
    private static float[] zipColumn(BinaryOp op, float[] x, float[] y, int cols) {
        float[] out = new float[x.length];
        for (int r = 0; r < y.length; r++) {
            float v = y[r];
            for (int j = r * cols; j < (r + 1) * cols; j++) {
                out[j] = KernelMath.apply(op, x[j], v);
            }
        }
        return out;
    }

    @Override
    public Tensor zip(BinaryOp op, Tensor a, float b) {
        float[] x = data(a, "left operand");
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = KernelMath.apply(op, x[i], b);
        }
        return wrap(out, a.shape());
    }

    @Override
    public void axpyInPlace(float alpha, Tensor x, Tensor y) {
        requireSameShape(x, y, "axpyInPlace");
        float[] a = data(x, "x");
        float[] b = data(y, "y");
        for (int i = 0; i < a.length; i++) {
            b[i] += alpha * a[i];
        }
    }

    @Override
    public void fillInPlace(Tensor x, float value) {
        java.util.Arrays.fill(data(x, "fill target"), value);
    }

    @Override
    public void copyInPlace(Tensor source, Tensor target) {
        requireSameShape(source, target, "copyInPlace");
        float[] s = data(source, "source");
        System.arraycopy(s, 0, data(target, "target"), 0, s.length);
    }

    /** Throws naming both shapes unless they are equal. */
    protected static void requireSameShape(Tensor a, Tensor b, String op) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + a.shape() + " and " + b.shape() + " differ");
        }
    }

    @Override
    public double reduce(ReduceOp op, Tensor x) {
        float[] a = data(x, "reduce operand");
        double acc = op.identity();
        for (float v : a) {
            acc = op.combine(acc, v);
        }
        return acc;
    }

    /**
     * {@code acc[at + i] = op.combine(acc[at + i], a[from + i])} for i below {@code count}, with the
     * op chosen once per run of elements rather than per element (the same values: {@link Math#max}
     * and {@link Math#min} propagate NaN as {@link ReduceOp#combine} does), so that C2 can vectorize
     * the loop.
     */
    /** {@code acc} combined with {@code a[from]}, ..., {@code a[from + count - 1]} in that order (a row of a matrix). */
    private static double combine(ReduceOp op, double acc, float[] a, int from, int count) {
        double r = acc;
        switch (op) {
            case SUM, FLOAT_PARTIAL_SUM -> {
                for (int i = 0; i < count; i++) {
                    r += a[from + i];
                }
            }
            case MAX -> {
                for (int i = 0; i < count; i++) {
                    r = Math.max(r, a[from + i]);
                }
            }
            case MIN -> {
                for (int i = 0; i < count; i++) {
                    r = Math.min(r, a[from + i]);
                }
            }
        }
        return r;
    }

    private static void combineInto(ReduceOp op, double[] acc, int at, float[] a, int from, int count) {
        switch (op) {
            case SUM, FLOAT_PARTIAL_SUM -> {
                for (int i = 0; i < count; i++) {
                    acc[at + i] += a[from + i];
                }
            }
            case MAX -> {
                for (int i = 0; i < count; i++) {
                    acc[at + i] = Math.max(acc[at + i], a[from + i]);
                }
            }
            case MIN -> {
                for (int i = 0; i < count; i++) {
                    acc[at + i] = Math.min(acc[at + i], a[from + i]);
                }
            }
        }
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis) {
        float[] a = data(x, "reduce operand");
        Shape s = x.shape();
        int rank = s.rank();
        int ax = axis < 0 ? rank + axis : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException("reduce: axis " + axis + " is out of range for shape " + s);
        }
        int[] dims = s.dims();
        int outer = 1;
        for (int k = 0; k < ax; k++) {
            outer *= dims[k];
        }
        int len = dims[ax];
        int inner = 1;
        for (int k = ax + 1; k < rank; k++) {
            inner *= dims[k];
        }
        int[] outDims = new int[rank - 1];
        for (int k = 0, j = 0; k < rank; k++) {
            if (k != ax) {
                outDims[j++] = dims[k];
            }
        }
        double[] acc = new double[outer * inner];
        java.util.Arrays.fill(acc, op.identity());
        for (int o = 0; o < outer; o++) {
            if (inner == 1) {
                acc[o] = combine(op, acc[o], a, o * len, len);
            } else {
                for (int l = 0; l < len; l++) {
                    combineInto(op, acc, o * inner, a, (o * len + l) * inner, inner);
                }
            }
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) acc[i];
        }
        return wrap(out, Shape.of(outDims));
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        requireSameShape(a, b, "dot");
        float[] x = data(a, "left operand");
        float[] y = data(b, "right operand");
        double acc = 0;
        for (int i = 0; i < x.length; i++) {
            acc += (double) x[i] * y[i];
        }
        return acc;
    }

    @Override
    public int[] argmax(Tensor x) {
        float[] a = data(x, "argmax operand");
        if (x.shape().rank() == 0) {
            return new int[] {0};
        }
        int last = x.shape().dim(-1);
        if (last == 0) {
            throw new IllegalArgumentException("argmax: the last axis of shape " + x.shape() + " is empty");
        }
        int rows = a.length / last;
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int j = 1; j < last; j++) {
                if (a[r * last + j] > a[r * last + best]) {
                    best = j;
                }
            }
            out[r] = best;
        }
        return out;
    }

    @Override
    public void gemmInPlace(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB, float beta,
            Tensor c) {
        GemmShape g = GemmShape.of(a, transposeA, b, transposeB, c);
        gemm(g, alpha, data(a, "gemm A"), 0, transposeA, data(b, "gemm B"), 0, transposeB, beta, data(c, "gemm C"), 0);
    }

    /** One {@link #gemmAt} per matrix of the batch. */
    @Override
    public void gemmBatchedInPlace(float alpha, Tensor a, boolean transposeA, Tensor b, boolean transposeB,
            float beta, Tensor c) {
        BatchedGemmShape s = BatchedGemmShape.of(a, transposeA, b, transposeB, c);
        float[] x = data(a, "batched gemm A");
        float[] y = data(b, "batched gemm B");
        float[] z = data(c, "batched gemm C");
        GemmShape each = new GemmShape(s.m(), s.n(), s.k());
        for (int i = 0; i < s.count(); i++) {
            gemmAt(each, alpha, x, i * s.aSize(), transposeA, y, i * s.bSize(), transposeB, beta, z,
                    i * s.cSize());
        }
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C} for matrices stored row-major (without padding) from the
     * given offsets of their arrays, as {@link #gemmBatchedInPlace} calls it for each matrix; here the
     * plain loop of {@link #gemmInPlace}. Override it to run the batch's products on your engine.
     */
    protected void gemmAt(GemmShape g, float alpha, float[] x, int xOffset, boolean transposeA, float[] y,
            int yOffset, boolean transposeB, float beta, float[] z, int zOffset) {
        gemm(g, alpha, x, xOffset, transposeA, y, yOffset, transposeB, beta, z, zOffset);
    }

    private static void gemm(GemmShape g, float alpha, float[] x, int xOffset, boolean transposeA, float[] y,
            int yOffset, boolean transposeB, float beta, float[] z, int zOffset) {
        int lda = transposeA ? g.m() : g.k();
        int ldb = transposeB ? g.k() : g.n();
        float[] row = new float[g.n()];
        for (int i = 0; i < g.m(); i++) {
            java.util.Arrays.fill(row, 0f);
            for (int p = 0; p < g.k(); p++) {
                float av = transposeA ? x[xOffset + p * lda + i] : x[xOffset + i * lda + p];
                if (av == 0f) {
                    continue;
                }
                if (transposeB) {
                    for (int j = 0; j < g.n(); j++) {
                        row[j] += av * y[yOffset + j * ldb + p];
                    }
                } else {
                    int off = yOffset + p * ldb;
                    for (int j = 0; j < g.n(); j++) {
                        row[j] += av * y[off + j];
                    }
                }
            }
            int off = zOffset + i * g.n();
            for (int j = 0; j < g.n(); j++) {
                z[off + j] = beta == 0f ? alpha * row[j] : alpha * row[j] + beta * z[off + j];
            }
        }
    }

    @Override
    public Tensor transpose(Tensor x) {
        x.shape().requireRank(2, "transpose operand");
        float[] a = data(x, "transpose operand");
        int rows = x.shape().dim(0);
        int cols = x.shape().dim(1);
        float[] out = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = a[i * cols + j];
            }
        }
        return wrap(out, Shape.matrix(cols, rows));
    }

    @Override
    public Tensor gatherRows(Tensor table, int[] rows) {
        table.shape().requireRank(2, "gatherRows table");
        float[] t = data(table, "gatherRows table");
        int n = table.shape().dim(0);
        int cols = table.shape().dim(1);
        float[] out = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            checkRow(rows[i], n, i);
            System.arraycopy(t, rows[i] * cols, out, i * cols, cols);
        }
        return wrap(out, Shape.matrix(rows.length, cols));
    }

    @Override
    public void gatherRowsInPlace(Tensor table, int[] rows, Tensor out) {
        float[] t = data(table, "gatherRows table");
        float[] o = data(out, "gatherRows output");
        int cols = requireRowBlock(table, rows, out, "gatherRowsInPlace: output");
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(t, rows[i] * cols, o, i * cols, cols);
        }
    }

    @Override
    public void scatterAddRowsInPlace(Tensor table, int[] rows, Tensor values) {
        float[] t = data(table, "scatterAddRows table");
        float[] v = data(values, "scatterAddRows values");
        int cols = requireRowBlock(table, rows, values, "scatterAddRows: values");
        for (int i = 0; i < rows.length; i++) {
            int off = rows[i] * cols;
            for (int j = 0; j < cols; j++) {
                t[off + j] += v[i * cols + j];
            }
        }
    }

    /**
     * Checks that {@code block} is {@code rows.length} rows of {@code table}'s columns and that every
     * row index lies inside the table, and returns the column count.
     *
     * @param what names the block in the message, e.g. {@code "gatherRowsInPlace: output"}
     */
    private static int requireRowBlock(Tensor table, int[] rows, Tensor block, String what) {
        table.shape().requireRank(2, what.substring(0, what.indexOf(':')) + " table");
        int n = table.shape().dim(0);
        int cols = table.shape().dim(1);
        if (!block.shape().equals(Shape.matrix(rows.length, cols))) {
            throw new IllegalArgumentException(what + " has shape " + block.shape() + ", not "
                    + rows.length + " rows of " + cols + " columns");
        }
        for (int i = 0; i < rows.length; i++) {
            checkRow(rows[i], n, i);
        }
        return cols;
    }

    private static void checkRow(int row, int n, int i) {
        if (row < 0 || row >= n) {
            throw new IndexOutOfBoundsException("row index " + row + " at position " + i + " is outside [0, " + n + ")");
        }
    }

    /** im2col as one clipped copy per output pixel and window row ({@link WindowLoops}). */
    @Override
    public void im2colInPlace(Tensor images, ImageWindow window, Tensor patches) {
        ImageWindow.requireShape(images, window.imageShape(), "im2col images");
        ImageWindow.requireShape(patches, window.patchShape(), "im2col patches");
        WindowLoops.im2col(data(images, "im2col images"), window, data(patches, "im2col patches"));
    }

    /** col2im as one clipped addition per output pixel and window row ({@link WindowLoops}). */
    @Override
    public void col2imAddInPlace(Tensor patches, ImageWindow window, Tensor images) {
        ImageWindow.requireShape(patches, window.patchShape(), "col2im patches");
        ImageWindow.requireShape(images, window.imageShape(), "col2im images");
        WindowLoops.col2imAdd(data(patches, "col2im patches"), window, data(images, "col2im images"));
    }

    /** Max-pooling in one pass over the windows ({@link WindowLoops}). */
    @Override
    public void maxPoolInPlace(Tensor images, ImageWindow window, Tensor out) {
        ImageWindow.requireShape(images, window.imageShape(), "maxPool images");
        ImageWindow.requireShape(out, window.pooledShape(), "maxPool output");
        WindowLoops.maxPool(data(images, "maxPool images"), window, data(out, "maxPool output"));
    }

    /**
     * The max-pooling gradient in one pass over the windows ({@link WindowLoops}); the whole
     * gradient goes to the first maximal position even where it is not finite.
     */
    @Override
    public void maxPoolBackwardAddInPlace(Tensor images, ImageWindow window, Tensor out, Tensor outGrad,
            Tensor imageGrad) {
        ImageWindow.requireShape(images, window.imageShape(), "maxPool images");
        ImageWindow.requireShape(out, window.pooledShape(), "maxPool output");
        ImageWindow.requireShape(outGrad, window.pooledShape(), "maxPool output gradient");
        ImageWindow.requireShape(imageGrad, window.imageShape(), "maxPool image gradient");
        WindowLoops.maxPoolBackwardAdd(data(images, "maxPool images"), window, data(out, "maxPool output"),
                data(outGrad, "maxPool output gradient"), data(imageGrad, "maxPool image gradient"));
    }

    /** {@link TileTransforms#imageToTiles} on the arrays, without host copies. */
    @Override
    public void imageToTilesInPlace(Tensor images, ImageTiles grid, float[] transform, Tensor tiles) {
        TileTransforms.checkImageToTiles(images, grid, transform, tiles);
        TileTransforms.imageToTiles(data(images, "imageToTiles images"), grid, transform,
                data(tiles, "imageToTiles tiles"));
    }

    /** {@link TileTransforms#tilesToImageAdd} on the arrays, without host copies. */
    @Override
    public void tilesToImageAddInPlace(Tensor tiles, ImageTiles grid, float[] transform, Tensor images) {
        TileTransforms.checkTilesToImage(tiles, grid, transform, images);
        TileTransforms.tilesToImageAdd(data(tiles, "tilesToImageAdd tiles"), grid, transform,
                data(images, "tilesToImageAdd images"));
    }

    /** Interprets the kernel with the reference interpreter; override to compile it. */
    @Override
    public CompiledKernel compile(Kernel kernel) {
        return new InterpretedKernel(this, kernel);
    }
}
